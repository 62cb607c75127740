"""Where the hottest keys go: each strategy's records per (hot key, worker) for a simulated topic.

A :class:`~core.simulation.result.SimulationResult` reports loads per worker, not per key; this
re-creates a sample of the result's synthetic topic (same key column, key count, distribution,
producer and seed) and routes it with each strategy the result ran, smart_repartition's alignment
read from the decision (``result.aligned``). Only a single-column routing key over a synthetic topic
keyed by that column (or unkeyed) can be reproduced this simply; anything else gives None.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.engines import EngineSettings
from core.engines.flink import max_parallelism_for
from core.simulation.result import SimulationResult
from core.strategies.base import RoutingContext
from core.strategies.factory import make_strategy
from core.workload.schema import ColumnSpec, WorkloadSchema
from core.workload.synthetic import TopicSpec, generate

__all__ = ["HotKeyRouting", "hot_key_routing", "SAMPLE_RECORDS"]

SAMPLE_RECORDS = 50_000


@dataclass(frozen=True)
class HotKeyRouting:
    """``records[strategy][i, w]``: sampled records of hot key ``keys[i]`` (hottest first) on worker w."""

    keys: tuple[str, ...]
    workers: int
    sample_records: int
    records: Mapping[str, np.ndarray]

    def frames(self) -> dict[str, Any]:
        """One DataFrame per strategy: hot keys as rows, ``w0..`` as columns (what a heatmap draws)."""
        import pandas as pd

        columns = [f"w{i}" for i in range(self.workers)]
        return {name: pd.DataFrame(grid, index=list(self.keys), columns=columns)
                for name, grid in self.records.items()}


def _routing_key(result: SimulationResult) -> str | None:
    """The one routing column the hash strategies used, or None (several columns, none)."""
    keys = {m.routing_keys for m in result.strategies.values()} - {()}
    if len(keys) != 1:
        return None
    (only,) = keys
    return only[0] if len(only) == 1 else None


def _context(result: SimulationResult, routing_keys: tuple[str, ...]) -> RoutingContext:
    settings = EngineSettings()
    if result.engine == "flink":
        settings = EngineSettings(max_parallelism=max_parallelism_for(result.workers, settings))
    return RoutingContext(workers=result.workers, routing_keys=routing_keys, engine=result.engine,
                          engine_settings=settings)


def hot_key_routing(result: SimulationResult, *, top: int = 12,
                    sample: int = SAMPLE_RECORDS) -> HotKeyRouting | None:
    """The ``top`` hottest keys of a ``sample``-record replay of ``result``'s topic, per strategy."""
    key = _routing_key(result)
    if result.source != "synthetic" or key is None or result.keys is None or result.distribution is None:
        return None
    if set(result.source_keys) - {key}:
        return None  # keyed by a column the sample does not generate
    producer = result.producer
    topic = TopicSpec(
        name="source", partitions=result.partitions, key_columns=(key,) if result.source_keys else (),
        producer=producer if result.source_keys or producer in ("sticky", "round_robin") else "sticky",
    )
    schema = WorkloadSchema(columns=(ColumnSpec(key, cardinality=result.keys,
                                                distribution=result.distribution),))
    records = min(sample, result.records)
    batch = next(generate(topic, schema, records, seed=result.seed, batch_size=records))
    codes = batch.codes[key]
    counts = np.bincount(codes)
    hottest = np.argsort(-counts, kind="stable")[:top]
    hottest = hottest[counts[hottest] > 0]
    grids: dict[str, np.ndarray] = {}
    for name, metrics in result.strategies.items():
        options = {"aligned": result.aligned is True} if name == "smart_repartition" else {}
        routed = make_strategy(name, **options).route(batch, _context(result, metrics.routing_keys))
        grid = np.zeros((len(hottest), result.workers), dtype=np.int64)
        for row, code in enumerate(hottest):
            grid[row] = np.bincount(routed[codes == code], minlength=result.workers)
        grids[name] = grid
    return HotKeyRouting(tuple(str(batch.vocab[key][c]) for c in hottest), result.workers, records, grids)
