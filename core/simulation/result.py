"""What a simulation returns: :class:`StrategyMetrics` per strategy inside a :class:`SimulationResult`.

Both are frozen; ``SimulationResult.to_dict()`` is exactly the ``partition-lab simulate --json``
object (docs/architecture.md lists every field for the dashboard).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

__all__ = ["StrategyMetrics", "SimulationResult"]


def _json(value: Any) -> Any:
    if isinstance(value, float):
        return None if math.isinf(value) or math.isnan(value) else value
    if isinstance(value, tuple | list):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class StrategyMetrics:
    """One strategy's loads, skew, correctness and speed (per-worker tuples have W entries)."""

    strategy: str
    routing_keys: tuple[str, ...]
    warnings: tuple[str, ...]
    loads: tuple[int, ...]
    max_mean: float
    imbalance: float
    imbalance_ratio: float
    cv: float
    gini: float
    jain: float
    flink_skew_pct: float
    max_median: float  # inf when the median worker got nothing; null in JSON
    shuffle_fraction: float
    groups: int
    groups_per_worker: tuple[int, ...]
    fragmented_groups: int
    wrong_groups: int
    duplicate_rows: int
    order_violations: int | None  # None: not checked (the query's result does not depend on order)
    correct: bool
    verdict: str
    alignment_pct: float | None
    natural_hits: int | None
    repartition_hits: int | None
    state_entries: tuple[int, ...]
    busy_s: tuple[float, ...]
    routing_s: float
    capacity_per_worker: float
    modeled_throughput: float
    measured_records_per_s: float
    bucket_loads: tuple[tuple[int, ...], ...]
    backlog: tuple[tuple[float, ...], ...]
    # A join judged by its workers' matches against the reference (core.simulation.stages.joins);
    # None when the statement has no join that was judged.
    missing_join_matches: int | None = None
    extra_join_rows: int | None = None
    join_rows: int | None = None
    reference_join_rows: int | None = None
    join_input_loads: tuple[int, ...] | None = None  # records of both join inputs per worker
    # Top-N: partitions whose top rows differ from the reference's; DISTINCT: rows emitted by more than
    # one worker (None: the statement has no such operator).
    wrong_top_rows: int | None = None
    duplicate_distinct_rows: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _json(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True)
class SimulationResult:
    """The whole run: sizes, the source, the recommendation and every strategy's metrics."""

    records: int
    partitions: int
    workers: int
    processes: int
    statement: int
    operator: str
    state_keys: tuple[str, ...]
    order_required: bool
    aggregates: tuple[str, ...]
    source: str
    source_keys: tuple[str, ...]
    producer: str | None
    distribution: str | None
    keys: int | None
    seed: int
    recommended: str
    recommended_routing_keys: tuple[str, ...]
    aligned: bool | None
    best_measured: str | None
    recommendation_note: str | None
    input_rate: float
    bucket_records: float
    bucket_seconds: float
    wall_s: float
    warnings: tuple[str, ...]
    strategies: dict[str, StrategyMetrics] = field(default_factory=dict)
    engine: str = "partition-lab"  # whose hash always_hash / smart_repartition used (core.engines)
    # The plan replayed exchange by exchange (core.simulation.stages.Stage, each with to_dict()).
    stages: tuple[Any, ...] = ()
    source_records: dict[str, int] = field(default_factory=dict)  # records each replayed source read

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: _json(getattr(self, f.name)) for f in fields(self)
               if f.name not in ("strategies", "stages")}
        out["strategies"] = {name: m.to_dict() for name, m in self.strategies.items()}
        out["stages"] = [s.to_dict() for s in self.stages]
        return out
