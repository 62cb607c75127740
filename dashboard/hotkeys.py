"""Where the hottest keys go: derived by routing a sample of the scenario's synthetic topic.

The simulation result reports loads per worker, not per key, so this routes a sample (same topic,
distribution and seed, through core's own strategies) and counts records per (key, worker).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from core.decide import parse_source_key
from core.strategies import RoutingContext, make_strategy
from core.workload import ColumnSpec, TopicSpec, WorkloadSchema, generate
from dashboard.charts.data import result_dict
from dashboard.scenario import Scenario

__all__ = ["hot_key_routing", "SAMPLE_RECORDS"]

SAMPLE_RECORDS = 50_000


def _routing_key(data: Any) -> str | None:
    """The one routing column the hash strategies used, or None (several columns, none, a trace)."""
    keys = {tuple(m.get("routing_keys") or ()) for m in data["strategies"].values()} - {()}
    return keys.pop()[0] if len(keys) == 1 and len(next(iter(keys))) == 1 else None


def hot_key_routing(scenario: Scenario, result: Any, top: int = 12) -> dict[str, pd.DataFrame] | None:
    """``{strategy: records of each hot key (rows) per worker (columns)}``, or None when the
    scenario's topic cannot be reproduced simply (traces, multi-column or foreign source keys)."""
    data = result_dict(result)
    if data.get("source", "synthetic") != "synthetic":
        return None
    key = _routing_key(data)
    if key is None:
        return None
    source_columns = {c for text in scenario.source_keys for c in parse_source_key(text).key_columns}
    if source_columns - {key}:
        return None
    producer = data.get("producer") or scenario.producer_override
    topic = TopicSpec(
        name="source",
        partitions=int(data["partitions"]),
        key_columns=(key,) if source_columns else (),
        producer=producer if source_columns or producer in ("sticky", "round_robin") else "sticky",
    )
    schema = WorkloadSchema(
        columns=(ColumnSpec(key, cardinality=scenario.keys, distribution=scenario.distribution),)
    )
    batch = next(
        generate(
            topic,
            schema,
            min(SAMPLE_RECORDS, int(data["records"])),
            seed=scenario.seed,
            batch_size=SAMPLE_RECORDS,
        )
    )
    codes = batch.codes[key]
    counts = np.bincount(codes)
    hottest = np.argsort(-counts, kind="stable")[:top]
    hottest = hottest[counts[hottest] > 0]
    workers = int(data["workers"])
    grids: dict[str, pd.DataFrame] = {}
    for name, metrics in data["strategies"].items():
        options: dict[str, Any] = (
            {"aligned": (metrics.get("alignment_pct") or 0) >= 100.0} if name == "smart_repartition" else {}
        )
        ctx = RoutingContext(workers=workers, routing_keys=tuple(metrics.get("routing_keys") or ()))
        routed = make_strategy(name, **options).route(batch, ctx)
        grid = np.zeros((len(hottest), workers), dtype=np.int64)
        for row, code in enumerate(hottest):
            grid[row] = np.bincount(routed[codes == code], minlength=workers)
        grids[name] = pd.DataFrame(
            grid, index=[str(batch.vocab[key][c]) for c in hottest], columns=[f"w{i}" for i in range(workers)]
        )
    return grids
