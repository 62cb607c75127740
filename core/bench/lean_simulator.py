"""A lean per-record Python simulator: loads and placements only, the yardstick of issue 10's speed goal.

What a careful engineer writes to answer "how many records does each worker get, and which keys land
on several workers?" without numpy: for every record and every strategy, the worker (sticky: the
source partition's worker; round robin: a counter; fan-in: worker 0; the hash strategies: the key's
hash, computed once per distinct key and remembered), one load increment and the (key, worker) pair
added to a set. No aggregate state, no verdict beyond the fragmented-key count, so the replay's
ratio against it is a lower bound on what the numpy batches buy. Same topic as ``simulate``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

from core.bench.plain_simulator import _batches, _plan
from core.decide.api import analyze
from core.hashing import worker_of
from core.strategies.names import STRATEGY_NAMES, canonical_name

__all__ = ["LeanResult", "lean_simulate"]

_HASHING = ("always_hash", "smart_repartition")


@dataclass(frozen=True)
class LeanResult:
    records: int
    workers: int
    seconds: float
    loads: dict[str, tuple[int, ...]]
    fragmented_keys: dict[str, int]

    @property
    def records_per_s(self) -> float:
        return self.records / self.seconds if self.seconds > 0 else math.inf


def lean_simulate(sql: str, *, records: int, workers: int, partitions: int = 8, keys: int = 1000,
                  distribution: str = "uniform", seed: int = 0, batch_size: int = 10_000,
                  strategies: Sequence[str] = STRATEGY_NAMES, hash_function: str = "mmh3") -> LeanResult:
    """Route every record of the last statement's topic under each strategy, one record at a time."""
    started = time.perf_counter()
    profile = analyze(sql).statements[-1].profile
    key_column = _plan(profile)[0]
    names = [canonical_name(s) for s in strategies]
    loads = {n: [0] * workers for n in names}
    placed: dict[str, set[tuple[str, int]]] = {n: set() for n in names}
    hashed: dict[str, int] = {}  # key -> worker, hashed once per distinct key
    turn = 0
    done = 0
    for batch in _batches(profile, records, partitions, keys, distribution, seed, batch_size):
        vocab = batch.vocab[key_column]
        codes = batch.codes[key_column].tolist()
        source = batch.partition.tolist()
        for i in range(len(codes)):
            key = vocab[codes[i]]
            worker_of_key = hashed.get(key)
            if worker_of_key is None:
                worker_of_key = hashed[key] = worker_of([key], workers, hash_function)
            for n in names:
                if n in _HASHING:
                    worker = worker_of_key
                elif n == "sticky_partition":
                    worker = source[i] % workers
                elif n == "round_robin":
                    worker = turn % workers
                else:
                    worker = 0
                loads[n][worker] += 1
                placed[n].add((key, worker))
            turn += 1
        done += len(codes)
    fragmented = {}
    for n in names:
        per_key: dict[str, int] = {}
        for key, _ in placed[n]:
            per_key[key] = per_key.get(key, 0) + 1
        fragmented[n] = sum(1 for c in per_key.values() if c > 1)
    return LeanResult(done, workers, time.perf_counter() - started, {n: tuple(v) for n, v in loads.items()},
                      fragmented)
