"""``partition-lab analyze FILE``: the decision for each statement, as text or ``--json``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from core.cli.options import add_analysis_arguments, analysis_options
from core.cli.sql_input import read_sql

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser("analyze", help="pick a partitioning strategy for each statement",
                              description="Pick a partitioning strategy for each statement of a SQL file.")
    add_analysis_arguments(p)
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    from core.decide import analyze, format_report

    result = analyze(read_sql(args.file), engine=args.engine, **analysis_options(args))
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(format_report(result))
    return 0
