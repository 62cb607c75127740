"""``partition-lab verify FILE``: Flink's exchanges beside Partition Lab's, with a verdict per exchange."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

__all__ = ["add_parser", "run", "format_report"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "verify", help="check each statement's exchanges against Apache Flink's own planner",
        description="Explain every statement with Apache Flink's planner (a local JVM; needs the `flink` "
                    "extra) and compare its exchanges with Partition Lab's plan.")
    p.add_argument("file", metavar="FILE", help="SQL file (DDL + statements), or - for stdin")
    p.add_argument("--dialect", default="flink", choices=("flink",), help="only flink (default)")
    p.add_argument("--timeout", type=float, default=180.0, metavar="S",
                   help="seconds for the JVM to start and for each statement (180)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a text report")
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    from core.cli import read_sql
    from core.flink.explain import explain_script
    from core.flink.runner import FlinkSession, require_flink
    from core.flink.verify import partition_lab_exchanges, verify_report

    sql = read_sql(args.file)
    require_flink()
    ours = partition_lab_exchanges(sql, args.dialect)  # fails fast, before a JVM starts
    with FlinkSession(start_timeout_s=args.timeout, timeout_s=args.timeout) as session:
        explained = explain_script(sql, session)
    report = verify_report(explained, ours)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        sys.stdout.write(format_report(report))
    return 0


def _fmt(ex: dict[str, Any]) -> str:
    keys = ex.get("key_expressions") or ex["keys"]
    shown = ", ".join(keys)
    if ex.get("key_expressions"):
        shown = ", ".join(f"{k}={e}" if k != e else k for k, e in zip(ex["keys"], keys, strict=True))
    return f"{ex['kind']}[{shown}]" if ex["keys"] else ex["kind"]


def format_report(report: dict[str, Any]) -> str:
    """Text: per statement, one line per exchange pair (Flink | Partition Lab | verdict)."""
    lines = [f"Flink {report['flink_version']} planner vs Partition Lab"]
    lines += [f"note: {s}" for s in report.get("substituted_sources", [])]
    agree = sum(1 for s in report["statements"] if s["agree"])
    for st in report["statements"]:
        lines += ["", f"statement {st['index'] + 1}: {'AGREE' if st['agree'] else 'DIFFERENT'}",
                  f"  {'Flink':<40}{'Partition Lab':<32}verdict"]
        for v in st["verdicts"]:
            f = st["flink"][v["flink"]] if v["flink"] is not None else None
            p = st["partition_lab"][v["partition_lab"]] if v["partition_lab"] is not None else None
            left = f"{_fmt(f)} -> {f['feeds']}" if f else "-"
            right = _fmt(p) if p else "-"
            verdict = v["verdict"] + (" (known engine rule)" if v.get("rule") else "")
            lines.append(f"  {left:<40}{right:<32}{verdict}")
        if not st["verdicts"]:
            lines.append(f"  {'(no exchange: all forward)':<40}{'(no exchange)':<32}same")
        lines += [f"  note: {n}" for n in st["notes"]]
    lines += ["", f"{agree} of {len(report['statements'])} statements agree"]
    return "\n".join(lines) + "\n"
