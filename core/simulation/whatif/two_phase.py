"""Two-phase (local/global) aggregation: how much of the hot key survives the local stage.

Flink's ``table.exec.mini-batch.enabled`` + ``…size`` + ``agg-phase-strategy=TWO_PHASE``: records
stay on the worker that reads them (``source_partition % W``, a forward edge), each worker
pre-aggregates every mini-batch of ``mini_batch`` of *its* records and emits one partial row per
distinct key of that mini-batch; only the partial rows cross the hash exchange to the global stage.
A key with ``c`` records on a worker sends at most ``ceil(c / mini_batch)``-ish rows instead of ``c``.

Modeled: the size trigger only (``allow-latency`` is a time trigger; a record count stands for it)
and the last, incomplete mini-batch of each worker flushes at the end of input. Streaming, in memory
bounded by the distinct keys times W (the keys of each worker's open mini-batch), not by records.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.errors import InvalidConfigError
from core.simulation.whatif.keys import Hasher, KeyEncoder, encoded, mmh3_hasher
from core.simulation.whatif.placement import ModHash, Placement, check_workers
from core.simulation.whatif.stage import StageLoads, stage_loads, worker_loads
from core.workload.batch import Batch

__all__ = ["TwoPhaseResult", "two_phase", "MiniBatchCounter", "DEFAULT_MINI_BATCH"]

# Flink's documentation example for table.exec.mini-batch.size.
DEFAULT_MINI_BATCH = 5000
_PAIR = np.int64(1 << 40)  # (worker, key) packed as worker·2^40 + key: keys stay far below 2^40


@dataclass(frozen=True)
class TwoPhaseResult:
    workers: int
    mini_batch: int
    placement: str
    records: int
    partial_rows: int
    mini_batches: int
    local: StageLoads  # records each worker pre-aggregates (forward from the source)
    local_output: tuple[int, ...]  # partial rows each worker emits
    global_stage: StageLoads  # partial rows hashed to the global aggregate
    single_phase: StageLoads  # the same records hashed without a local stage
    hot_key: str
    hot_key_records: int
    hot_key_partial_rows: int

    def to_dict(self) -> dict[str, Any]:
        return {"workers": self.workers, "mini_batch": self.mini_batch, "placement": self.placement,
                "records": self.records, "partial_rows": self.partial_rows, "mini_batches": self.mini_batches,
                "reduction": self.partial_rows / self.records if self.records else 0.0,
                "stages": [self.local.to_dict(), self.global_stage.to_dict()],
                "local_output": list(self.local_output), "single_phase": self.single_phase.to_dict(),
                "hot_key": self.hot_key, "hot_key_records": self.hot_key_records,
                "hot_key_partial_rows": self.hot_key_partial_rows}

    def sentence(self) -> str:
        return (f"two-phase aggregation with mini-batches of {self.mini_batch:,}: {self.records:,} records "
                f"become {self.partial_rows:,} partial rows; the global stage's max/mean is "
                f"{self.global_stage.max_mean:.2f} instead of {self.single_phase.max_mean:.2f} single-phase "
                f"(hot key {self.hot_key}: {self.hot_key_records:,} records → "
                f"{self.hot_key_partial_rows:,} partial rows)")


class MiniBatchCounter:
    """Distinct keys per (worker, mini-batch), counted chunk by chunk across chunk boundaries."""

    def __init__(self, workers: int, mini_batch: int) -> None:
        self.workers, self.size = workers, mini_batch
        self.seen = np.zeros(workers, dtype=np.int64)  # records each worker has read so far
        self.open_mb = np.full(workers, -1, dtype=np.int64)  # each worker's open mini-batch
        self.open_pairs = np.zeros(0, dtype=np.int64)  # (worker, key) already counted in it
        self.per_key = np.zeros(0, dtype=np.int64)
        self.per_worker = np.zeros(workers, dtype=np.int64)

    def add(self, keys: np.ndarray, workers: np.ndarray) -> None:
        n = len(keys)
        if n == 0:
            return
        if self.per_key.size <= int(keys.max()):
            self.per_key = np.concatenate([self.per_key, np.zeros(int(keys.max()) + 1 - self.per_key.size,
                                                                  np.int64)])
        order = np.argsort(workers, kind="stable")
        w, k = workers[order], keys[order]
        per_worker = np.bincount(w, minlength=self.workers)
        starts = np.concatenate([[0], np.cumsum(per_worker)[:-1]])
        mb = (self.seen[w] + np.arange(n) - starts[w]) // self.size
        # Distinct (worker, mini-batch, key): sorted by worker then mini-batch (already), then key.
        o = np.lexsort((k, mb, w))
        w, mb, k = w[o], mb[o], k[o]
        first = np.ones(n, dtype=bool)
        first[1:] = (w[1:] != w[:-1]) | (mb[1:] != mb[:-1]) | (k[1:] != k[:-1])
        w, mb, k = w[first], mb[first], k[first]
        pairs = w * _PAIR + k
        counted = (mb == self.open_mb[w]) & np.isin(pairs, self.open_pairs)
        np.add.at(self.per_key, k[~counted], 1)
        self.per_worker += np.bincount(w[~counted], minlength=self.workers)
        self.seen += per_worker
        last_mb = np.where(per_worker > 0, (self.seen - 1) // self.size, self.open_mb)
        old_w = self.open_pairs // _PAIR
        keep = self.open_pairs[last_mb[old_w] == self.open_mb[old_w]]
        self.open_pairs = np.unique(np.concatenate([keep, pairs[mb == last_mb[w]]]))
        self.open_mb = last_mb

    @property
    def mini_batches(self) -> int:
        return int((-(-self.seen // self.size)).sum())


def two_phase(batches: Iterable[Batch], key_columns: Sequence[str], workers: int, *,
              mini_batch: int = DEFAULT_MINI_BATCH, placement: Placement | None = None,
              hasher: Hasher = mmh3_hasher) -> TwoPhaseResult:
    """Replay ``batches`` through a local pre-aggregate per worker and mini-batch, then the global stage."""
    w = check_workers(workers)
    if isinstance(mini_batch, bool) or not isinstance(mini_batch, int) or mini_batch < 1:
        raise InvalidConfigError(f"mini-batch size must be an integer >= 1 records, got {mini_batch!r}")
    place = placement or ModHash()
    enc = KeyEncoder(key_columns, hasher)
    counter = MiniBatchCounter(w, mini_batch)
    local = np.zeros(w, dtype=np.int64)
    for keys, partition in encoded(batches, enc):
        src = partition % w
        local += np.bincount(src, minlength=w)
        counter.add(keys, src)
    kc = enc.counts()
    if kc.keys == 0:
        raise InvalidConfigError("two-phase aggregation needs records: the stream had none")
    per_key = np.concatenate([counter.per_key, np.zeros(kc.keys - counter.per_key.size, np.int64)])
    owners = place.place(kc.hashes, w)
    hot = kc.hottest()
    return TwoPhaseResult(
        w, mini_batch, place.name, kc.records, int(per_key.sum()), counter.mini_batches,
        stage_loads("local aggregate", "forward", local), tuple(int(v) for v in counter.per_worker),
        stage_loads("global aggregate", "hash", worker_loads(owners, per_key, w)),
        stage_loads("aggregate (single phase)", "hash", worker_loads(owners, kc.counts, w)),
        kc.label(hot), int(kc.counts[hot]), int(per_key[hot]))
