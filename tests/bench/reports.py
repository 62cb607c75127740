"""A minimal bench report in the shape ``format_table`` reads, for the table tests."""

from __future__ import annotations

from typing import Any


def minimal_report(**extra: Any) -> dict[str, Any]:
    report: dict[str, Any] = {
        "machine": {"cpus": 2, "load_average": (0.0, 0.0, 0.0), "python": "3"}, "query": "q",
        "analysis": {"lines": 60, "runs": 3, "median_ms": 12.0, "best_ms": 10.0},
        "routing": {"records": 1, "workers": 1, "keys": 1, "memory_floor_records_per_s": 1.0,
                    "strategies": {}},
        "end_to_end": {"inline": {"records": 1, "wall_s": 1.0, "records_per_s": 1.0},
                       "parallel": {"processes": 2, "wall_s": 1.0, "records_per_s": 1.0},
                       "speedup": 1.0, "efficiency": 0.5},
        "plain": {"note": "n", "plain_seconds": 1.0, "plain_records_per_s": 1.0, "speedup_inline": 1.0,
                  "speedup_parallel": 1.0, "verdicts_agree": {}},
        "targets": [], "passed": True, "wall_s": 1.0,
    }
    report.update(extra)
    return report
