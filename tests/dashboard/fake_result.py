"""A hand-made result in the documented ``to_dict()`` shape, for chart edge cases (256 workers,
exact capacities) a small real run does not reach; other tests use ``core.testing.small_result_dict``."""

from __future__ import annotations

from typing import Any

from core.strategies.names import STRATEGY_NAMES

WORKERS = 4


def _metrics(name: str, loads: list[int], correct: bool) -> dict[str, Any]:
    buckets = [[v // 3 for v in loads] for _ in range(3)]
    return {
        "strategy": name,
        "routing_keys": ["symbol"],
        "warnings": [],
        "loads": loads,
        "max_mean": max(loads) / (sum(loads) / len(loads)),
        "imbalance": 10.0,
        "imbalance_ratio": 0.1,
        "cv": 0.2,
        "gini": 0.1,
        "jain": 0.9,
        "flink_skew_pct": 12.0,
        "max_median": 1.2,
        "shuffle_fraction": 0.0 if name in ("smart_repartition", "sticky_partition") else 0.75,
        "groups": 10,
        "groups_per_worker": [3, 3, 2, 2],
        "fragmented_groups": 0 if correct else 10,
        "wrong_groups": 0 if correct else 10,
        "duplicate_rows": 0,
        "order_violations": 0,
        "correct": correct,
        "verdict": "all 10 groups match" if correct else "10 groups split over workers",
        "alignment_pct": 100.0 if name == "smart_repartition" else None,
        "natural_hits": 100 if name == "smart_repartition" else None,
        "repartition_hits": 0 if name == "smart_repartition" else None,
        "state_entries": [3, 3, 2, 2],
        "busy_s": [0.1] * WORKERS,
        "routing_s": 0.01,
        "capacity_per_worker": 190_000.0,
        "modeled_throughput": 700_000.0,
        "measured_records_per_s": 2.0e6,
        "bucket_loads": buckets,
        "backlog": [[float(v) for v in row] for row in buckets],
    }


def fake_result() -> dict[str, Any]:
    loads = {
        "always_hash": [30, 25, 25, 20],
        "smart_repartition": [28, 26, 24, 22],
        "round_robin": [25, 25, 25, 25],
        "sticky_partition": [28, 26, 24, 22],
        "fan_in": [100, 0, 0, 0],
    }
    return {
        "records": 100,
        "partitions": 8,
        "workers": WORKERS,
        "processes": 0,
        "statement": 0,
        "operator": "aggregate",
        "recommended": "smart_repartition",
        "best_measured": "smart_repartition",
        "recommendation_note": None,
        "input_rate": 800_000.0,
        "bucket_records": 34,
        "bucket_seconds": 0.5,
        "wall_s": 0.2,
        "warnings": [],
        "strategies": {name: _metrics(name, loads[name], name != "round_robin") for name in STRATEGY_NAMES},
    }
