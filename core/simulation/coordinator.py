"""The partitioned-job coordinator: read source batches, route each with every strategy, feed workers.

Modelled on the engine's partitioned job coordinator: every batch is routed once per strategy and
each worker receives its share as a whole columnar slice. The coordinator encodes a chunk once and
hands it to the engine with every strategy's route (one worker id per record); whoever hosts a
logical worker cuts its share out (see :meth:`Host.process`), so a process only splits for the
workers it runs. The *reference* (what one worker seeing every record emits) runs as one extra
logical worker. The coordinator keeps the per-strategy counters the metrics need (loads, shuffled
records, loads per time bucket).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.simulation.config import SimulationConfig
from core.simulation.encoding import KeyEncoder
from core.simulation.engines import Engine, InlineEngine, ProcessEngine
from core.simulation.plan import Plan
from core.simulation.worker import Chunk, WorkerOutput, needed_fields
from core.strategies.base import RoutingContext, Strategy
from core.workload.batch import Batch

__all__ = ["StrategyRun", "RunOutput", "run"]

_EMPTY = np.empty(0, np.int64)


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
    """Batch -> :class:`Chunk` with the columns the plan's operator reads (others stay empty)."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.fields = needed_fields(plan.spec)
        self.state = KeyEncoder(plan.state_columns)
        same = plan.order_columns == plan.state_columns
        self.order = self.state if same else KeyEncoder(plan.order_columns)

    def chunk(self, batch: Batch, first_seq: int) -> Chunk:
        fields, n = self.fields, len(batch)
        key = self.state.encode(batch)
        stream = _EMPTY
        if "stream" in fields:
            order_key = key if self.order is self.state else self.order.encode(batch)
            stream = self.order.stream(order_key, batch.partition)
        # A categorical value column (a Top-N ranked by a label) ships its codes.
        values = (tuple(np.asarray(batch.values[c] if c in batch.values else batch.codes[c], dtype=np.float64)
                        for c in self.plan.value_columns) if "values" in fields else ())
        return Chunk(key=key, stream=stream,
                     time=np.asarray(batch.event_time, dtype=np.int64) if "time" in fields else _EMPTY,
                     offset=np.asarray(batch.offset, dtype=np.int64) if "offset" in fields else _EMPTY,
                     seq=np.arange(first_seq, first_seq + n, dtype=np.int64), values=values)


def _route(r: StrategyRun, batch: Batch, natural: np.ndarray, bucket_cuts: list[tuple[int, int, int]],
           out: np.ndarray) -> np.ndarray:
    """Route one batch into ``out`` (worker per record) and count; returns the per-worker counts."""
    workers = r.ctx.workers
    started = time.perf_counter()
    out[:] = r.strategy.route(batch, r.ctx)
    r.routing_s += time.perf_counter() - started
    counts = np.bincount(out, minlength=workers)
    r.loads += counts
    r.shuffled += int(np.count_nonzero(out != natural))
    # A batch spans one or two time buckets (a bucket is records/buckets long): count per segment.
    for bucket, lo, hi in bucket_cuts:
        whole = hi - lo == len(out)
        r.bucket_loads[bucket] += counts if whole else np.bincount(out[lo:hi], minlength=workers)
    return counts


def _bucket_cuts(first: int, n: int, records: int, n_buckets: int) -> list[tuple[int, int, int]]:
    """(bucket, lo, hi) segments of records ``first..first+n`` where bucket = seq·buckets // records
    (capped at the last bucket), found from the bucket edges rather than per record."""
    records = max(records, 1)
    cuts, lo = [], 0
    while lo < n:
        bucket = min((first + lo) * n_buckets // records, n_buckets - 1)
        # First seq of the next bucket: the smallest s with s·buckets >= (bucket + 1)·records.
        edge = -(-(bucket + 1) * records // n_buckets) if bucket < n_buckets - 1 else first + n
        hi = min(n, max(edge - first, lo + 1))
        cuts.append((bucket, lo, hi))
        lo = hi
    return cuts


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
                cuts = _bucket_cuts(seq, n, records, n_buckets)
                natural = np.remainder(piece.partition, w)
                # The reference ("strategy" len(runs)) sends every record to its worker 0.
                routes = np.zeros((len(runs) + 1, n), np.int32)
                counts = np.zeros((len(runs) + 1, w), np.int64)
                counts[len(runs), 0] = n
                for s, r in enumerate(runs):
                    counts[s] = _route(r, piece, natural, cuts, routes[s])
                engine.submit(chunk, routes, counts)
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
