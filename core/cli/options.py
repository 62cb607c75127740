"""Option parsing every command shares: bounded numbers and the analysis options.

>>> int_option("--workers", "8", 1, 1024)
8
>>> int_option("--partitions", "1e20", 1, 100_000)
Traceback (most recent call last):
  ...
core.errors.InvalidConfigError: --partitions must be an integer in 1..100,000, got '1e20'
"""

from __future__ import annotations

import argparse
import math
import re
from typing import Any

from core.errors import InvalidConfigError
from core.limits import MAX_PARTITIONS

__all__ = ["int_option", "float_option", "add_analysis_arguments", "analysis_options"]

_INT = re.compile(r"\+?[0-9][0-9_]*")


def int_option(name: str, raw: object, low: int, high: int) -> int:
    """``raw`` (an option's text, or its int default) as an int in ``low..high``; else an error that
    states the range, e.g. ``--partitions must be an integer in 1..100,000, got '1e20'``."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        value: int | None = raw
    else:
        text = str(raw).strip()
        value = int(text) if _INT.fullmatch(text) and len(text) <= 40 else None
    if value is None or not low <= value <= high:
        raise InvalidConfigError(f"{name} must be an integer in {low:,}..{high:,}, got {str(raw)!r}")
    return value


def float_option(name: str, raw: object, low: float, high: float, *, allow_low: bool = True) -> float:
    """``raw`` as a finite float in ``low..high`` (``low`` excluded unless ``allow_low``)."""
    try:
        value = float(str(raw).strip()) if not isinstance(raw, int | float) else float(raw)
    except ValueError:
        value = math.nan
    ok = math.isfinite(value) and (value >= low if allow_low else value > low) and value <= high
    if not ok:
        bound = f"{'>=' if allow_low else '>'} {low:g} and <= {high:g}"
        raise InvalidConfigError(f"{name} must be a finite number {bound}, got {str(raw)!r}")
    return value


def add_analysis_arguments(parser: argparse.ArgumentParser) -> None:
    """The options shared by ``analyze`` and ``simulate`` (FILE plus how to analyze it)."""
    parser.add_argument("file", metavar="FILE", help="SQL file to analyze, or - for stdin")
    parser.add_argument("--dialect", default="velostream",
                        help="velostream (default), ksqldb, flink, spark, risingwave or a sqlglot dialect")
    parser.add_argument("--engine", default=None, metavar="E",
                        help="whose plan rules and hash: velostream, flink, spark, kafka-streams or "
                             "partition-lab (default: the dialect's engine)")
    parser.add_argument("--tree", default="extended",
                        help="decision tree: extended (default, correctness first), seed (the design's own), "
                             "velostream, or a .toml/.json file")
    parser.add_argument("--source-key", action="append", default=[], metavar="[SOURCE=]COL[,COL]",
                        help="columns a source topic is keyed by (repeatable)")
    parser.add_argument("--source-partitions", default=None, metavar="N",
                        help="partition count of the source topics")
    parser.add_argument("--strategy", default=None, metavar="NAME",
                        help="force a strategy (any name or alias) instead of the tree's pick")
    parser.add_argument("--no-auto-select", dest="auto_select", action="store_false",
                        help="never let the tree choose; a strategy must be named somewhere")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a text report")


def analysis_options(args: argparse.Namespace) -> dict[str, Any]:
    """Keyword arguments for :func:`core.decide.analyze` from parsed analysis options."""
    return {
        "dialect": args.dialect,
        "tree": args.tree,
        "source_keys": tuple(args.source_key),
        "source_partitions": None if args.source_partitions is None else int_option(
            "--source-partitions", args.source_partitions, 1, MAX_PARTITIONS),
        "strategy": args.strategy,
        "auto_select": args.auto_select,
    }
