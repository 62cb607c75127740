"""The partitioned-job coordinator: read source batches, route each with every strategy, feed workers.

Modelled on the engine's partitioned job coordinator: every batch is routed once per strategy and
each worker receives its share as a whole columnar slice. The *reference* (what one worker seeing
every record emits) runs as one extra logical worker. The coordinator keeps the per-strategy
counters the metrics need (loads, shuffled records, loads per time bucket).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.simulation.config import SimulationConfig
from core.simulation.encoding import KeyEncoder
from core.simulation.engine import Engine, InlineEngine
from core.simulation.plan import Plan
from core.simulation.pool import ProcessEngine
from core.simulation.worker import Chunk, WorkerOutput
from core.strategies.base import RoutingContext, Strategy
from core.workload.batch import Batch

__all__ = ["StrategyRun", "RunOutput", "run"]


@dataclass
class StrategyRun:
    """One strategy's routing and what the coordinator counted while routing with it."""

    name: str
    strategy: Strategy
    ctx: RoutingContext
    loads: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    shuffled: int = 0
    routing_s: float = 0.0
    bucket_loads: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.int64))
    outputs: list[WorkerOutput] = field(default_factory=list)


@dataclass(frozen=True)
class RunOutput:
    runs: tuple[StrategyRun, ...]
    reference: WorkerOutput
    records: int
    processes: int
    wall_s: float


def _slices(batch: Batch, size: int) -> Iterator[Batch]:
    """The batch cut to at most ``size`` records (the shared slots' capacity)."""
    n = len(batch)
    if n <= size:
        yield batch
        return
    for lo in range(0, n, size):
        hi = min(n, lo + size)
        yield Batch(batch.partition[lo:hi], batch.offset[lo:hi], batch.event_time[lo:hi],
                    {c: v[lo:hi] for c, v in batch.codes.items()}, batch.vocab,
                    {c: v[lo:hi] for c, v in batch.values.items()})


class _Encoder:
    """Batch -> :class:`Chunk` for the plan's state, order and value columns."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.state = KeyEncoder(plan.state_columns)
        same = plan.order_columns == plan.state_columns
        self.order = self.state if same else KeyEncoder(plan.order_columns)

    def chunk(self, batch: Batch, first_seq: int) -> Chunk:
        key = self.state.encode(batch)
        order_key = key if self.order is self.state else self.order.encode(batch)
        n = len(batch)
        values = tuple(np.asarray(batch.values[c], dtype=np.float64) for c in self.plan.value_columns)
        return Chunk(key=key, stream=self.order.stream(order_key, batch.partition),
                     time=np.asarray(batch.event_time, dtype=np.int64),
                     offset=np.asarray(batch.offset, dtype=np.int64),
                     seq=np.arange(first_seq, first_seq + n, dtype=np.int64), values=values)


def _route(r: StrategyRun, batch: Batch, buckets: np.ndarray,
           n_buckets: int) -> tuple[np.ndarray, np.ndarray]:
    """Route one batch; returns record indices grouped by worker and the per-worker counts."""
    workers = r.ctx.workers
    started = time.perf_counter()
    route = r.strategy.route(batch, r.ctx)
    # Stable sort keeps each worker's share in arrival order; int16 keys get numpy's radix sort.
    order = np.argsort(route.astype(np.int16) if workers <= 32767 else route, kind="stable")
    r.routing_s += time.perf_counter() - started
    counts = np.bincount(route, minlength=workers)
    r.loads += counts
    r.shuffled += int(np.count_nonzero(route != np.remainder(batch.partition, workers)))
    r.bucket_loads += np.bincount(buckets * workers + route, minlength=n_buckets * workers).reshape(
        n_buckets, workers)
    return order.astype(np.int32, copy=False), counts


def _engine(plan: Plan, runs: int, config: SimulationConfig) -> Engine:
    processes = config.process_count
    if processes == 0:
        return InlineEngine(plan.spec, runs, config.workers)
    return ProcessEngine(plan.spec, runs, config.workers, processes, capacity=config.batch_size,
                         values=len(plan.value_columns), deadline_s=config.worker_deadline_s)


def run(source: Iterable[Batch], records: int, plan: Plan, runs: list[StrategyRun],
        config: SimulationConfig, progress: Callable[[float], Any] | None = None) -> RunOutput:
    """Drive the whole simulation; ``records`` is the source's length (for buckets and progress)."""
    started = time.perf_counter()
    w, n_buckets = config.workers, config.buckets
    for r in runs:
        r.loads = np.zeros(w, np.int64)
        r.bucket_loads = np.zeros((n_buckets, w), np.int64)
    encoder = _Encoder(plan)
    seq = 0
    # The reference (one place seeing every record) runs as one more "strategy" whose worker 0
    # gets everything: same operator code, and in a worker process it stays off the coordinator.
    engine = _engine(plan, len(runs) + 1, config)
    try:
        for batch in source:
            for piece in _slices(batch, config.batch_size):
                n = len(piece)
                chunk = encoder.chunk(piece, seq)
                buckets = np.minimum(chunk.seq * n_buckets // max(records, 1), n_buckets - 1)
                orders, bounds = [], np.zeros((len(runs) + 1, w + 1), np.int64)
                for s, r in enumerate(runs):
                    order, counts = _route(r, piece, buckets, n_buckets)
                    orders.append(order)
                    np.cumsum(counts, out=bounds[s, 1:])
                orders.append(np.arange(n, dtype=np.int32))
                bounds[len(runs), 1:] = n
                engine.submit(chunk, orders, bounds)
                seq += n
                if progress is not None:
                    progress(min(seq / max(records, 1), 1.0) * 0.99)
        outputs = engine.finish()
    finally:
        engine.close()
    for r, out in zip(runs, outputs[:-1], strict=True):
        r.outputs = out
    ref = outputs[-1][0]
    if progress is not None:
        progress(1.0)
    return RunOutput(tuple(runs), ref, seq, config.process_count, time.perf_counter() - started)
