"""``simulate --measure flink``: the few options and the step the simulate command delegates here.

After the simulation, the same statement runs as a real Flink job over the same trace and its
per-subtask loads are added to the JSON as ``measured`` and to the text report as a section.
"""

from __future__ import annotations

import argparse
from typing import Any

from core.errors import InvalidConfigError

__all__ = ["add_measure_arguments", "check_measure", "measure_for", "format_measured"]


def add_measure_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--measure", choices=("flink",), default=None,
                        help="also run the statement as a real Flink job over --trace and report its "
                             "per-subtask loads (needs the `flink` extra)")
    parser.add_argument("--flink-rest", default=None, metavar="HOST:PORT",
                        help="submit the measured job to this Flink cluster instead of a local mini-cluster")
    parser.add_argument("--flink-timeout", type=float, default=300.0, metavar="S",
                        help="seconds the measured Flink run may take (300)")


def check_measure(args: argparse.Namespace) -> None:
    """Fail before the simulation when ``--measure`` cannot work (no trace, no PyFlink)."""
    if getattr(args, "measure", None) != "flink":
        if getattr(args, "flink_rest", None):
            raise InvalidConfigError("--flink-rest needs --measure flink")
        return
    if not args.trace:
        raise InvalidConfigError("--measure flink replays a trace: give --trace FILE (.csv or .parquet)")
    from core.flink.rest import parse_host_port
    from core.flink.runner import require_flink

    if args.flink_rest:
        parse_host_port(args.flink_rest)
    require_flink()


def measure_for(args: argparse.Namespace, sql: str) -> dict[str, Any] | None:
    """The ``measured`` JSON object when ``--measure flink`` was given, else None."""
    check_measure(args)
    if getattr(args, "measure", None) != "flink":
        return None
    from core.flink.measure import measure_flink
    measured = measure_flink(sql, args.trace, args.workers, rest=args.flink_rest,
                             timeout_s=args.flink_timeout)
    return measured.to_dict()


def format_measured(measured: dict[str, Any]) -> str:
    lines = ["", f"measured on {measured['engine']} (numRecordsIn per subtask):"]
    for stage in measured["stages"]:
        loads = stage["loads"]
        mean = sum(loads) / len(loads) if loads else 0
        ratio = f"{max(loads) / mean:.3f}" if mean else "-"
        lines.append(f"  {stage['vertex']}")
        lines.append(f"    loads {loads}; max/mean {ratio}")
    return "\n".join(lines) + "\n"
