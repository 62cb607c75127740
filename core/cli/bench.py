"""``partition-lab bench``: measure routing, simulation and memory on this machine against the targets."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from core.errors import InvalidConfigError

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``bench`` on the CLI's subparsers."""
    p = subparsers.add_parser(
        "bench", help="benchmark routing, simulation and memory against the project's targets",
        description="Measure routing throughput per strategy (vs the per-record reference and a memory "
                    "floor), end-to-end simulation inline and with N processes, a full simulate vs a plain "
                    "per-record Python simulator, and the peak memory of a long replay; report PASS/FAIL "
                    "per target.")
    p.add_argument("--records", type=int, default=4_000_000, metavar="N",
                   help="records per section (4000000)")
    p.add_argument("--workers", type=int, default=4, metavar="W", help="workers W (4)")
    p.add_argument("--processes", type=int, default=2, metavar="N", help="worker processes to compare (2)")
    p.add_argument("--keys", type=int, default=10_000, metavar="K", help="distinct GROUP BY keys (10000)")
    p.add_argument("--plain-records", type=int, default=200_000, metavar="N",
                   help="records for the plain per-record simulator (200000)")
    p.add_argument("--memory-records", type=int, default=20_000_000, metavar="N",
                   help="records of the peak-memory replay; 0 skips it (20000000)")
    p.add_argument("--json", action="store_true", help="print the JSON report instead of the table")
    p.add_argument("--out", default=None, metavar="FILE", help="also write the JSON report to FILE")
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Run the benchmark; progress lines go to stderr, the table (or JSON) to stdout."""
    from core.bench.runner import BenchOptions, run_bench
    from core.bench.table import format_table

    opts = BenchOptions(records=args.records, workers=args.workers, processes=args.processes, keys=args.keys,
                        plain_records=args.plain_records, memory_records=args.memory_records)
    out = Path(args.out) if args.out else None
    if out is not None and not out.parent.exists():
        raise InvalidConfigError(f"--out {out}: directory {out.parent} does not exist; create it or pick "
                                 "another path")
    report = run_bench(opts, log=lambda line: print(line, file=sys.stderr, flush=True))
    text = json.dumps(report, indent=2)
    if out is not None:
        try:
            out.write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise InvalidConfigError(f"cannot write --out {out}: {exc.strerror or exc}") from exc
    sys.stdout.write(text + "\n" if args.json else format_table(report))
    return 0
