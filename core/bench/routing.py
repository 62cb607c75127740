"""Quick routing throughput figures (records/s): vectorized strategies vs the per-record reference.

Not a timed test: run ``python -m core.bench.routing`` for numbers to quote. The
reference runs on a smaller sample and is extrapolated per record. The "memory floor" is a bare
``vocab_worker[codes]`` gather over the same records: no keyed routing can beat it by much.
"""

from __future__ import annotations

import argparse
import functools
import json
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from core.hashing import VocabHashCache
from core.strategies.base import RoutingContext, Strategy
from core.strategies.factory import make_strategy
from core.strategies.names import STRATEGY_NAMES
from core.testing.reference import ReferenceState, route_reference
from core.workload.batch import Batch

__all__ = ["bench_routing", "synthetic_batch"]


def synthetic_batch(records: int, keys: int, partitions: int = 16, seed: int = 0,
                    second_column: int = 0) -> Batch:
    """A batch with key column ``k`` of ``keys`` distinct values (and ``k2`` if ``second_column``)."""
    rng = np.random.default_rng(seed)
    codes = {"k": rng.integers(0, keys, records, dtype=np.int32)}
    vocab = {"k": np.array([f"key-{i}" for i in range(keys)], dtype=object)}
    if second_column:
        codes["k2"] = rng.integers(0, second_column, records, dtype=np.int32)
        vocab["k2"] = np.array([f"region-{i}" for i in range(second_column)], dtype=object)
    return Batch(
        partition=rng.integers(0, partitions, records, dtype=np.int32),
        offset=np.arange(records, dtype=np.int64),
        event_time=np.arange(records, dtype=np.int64),
        codes=codes,
        vocab=vocab,
    )


def _seconds(fn: Callable[[], Any], repeats: int = 1) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _slice(batch: Batch, n: int) -> Batch:
    return Batch(batch.partition[:n], batch.offset[:n], batch.event_time[:n],
                 {c: v[:n] for c, v in batch.codes.items()}, dict(batch.vocab))


def _route(strategy: Strategy, batch: Batch, ctx: RoutingContext) -> np.ndarray:
    return strategy.route(batch, ctx)


def bench_routing(records: int, workers: int, keys: int, *, reference_sample: int = 20_000,
                  hash_function: str = "mmh3", second_column: int = 0, repeats: int = 3) -> dict[str, Any]:
    """records/s per strategy: vectorized (cold = first call hashes the vocab; warm = best of
    ``repeats``), reference (per record, on a sample), and the memory floor."""
    batch = synthetic_batch(records, keys, second_column=second_column)
    sample = _slice(batch, min(reference_sample, records))
    ctx = RoutingContext(workers=workers, routing_keys=("k", "k2") if second_column else ("k",),
                         hash_function=hash_function, cache=VocabHashCache())
    table = np.arange(keys, dtype=np.int32) % workers
    floor_s = _seconds(functools.partial(table.take, batch.codes["k"]), repeats)
    result: dict[str, Any] = {
        "records": records, "workers": workers, "keys": keys, "routing_keys": list(ctx.routing_keys),
        "hash_function": hash_function, "memory_floor_records_per_s": records / floor_s, "strategies": {},
    }
    for name in STRATEGY_NAMES:
        strategy = make_strategy(name, aligned=False)
        run = functools.partial(_route, strategy, batch, ctx)
        cold_s = _seconds(run)
        warm_s = _seconds(run, repeats)
        ref_s = _seconds(functools.partial(route_reference, name, sample, ctx, ReferenceState()))
        warm_rate, ref_rate = records / warm_s, len(sample) / ref_s
        result["strategies"][name] = {
            "vectorized_records_per_s": warm_rate,
            "vectorized_cold_records_per_s": records / cold_s,
            "reference_records_per_s": ref_rate,
            "speedup": warm_rate / ref_rate,
            "time_vs_memory_floor": warm_s / floor_s,
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="Routing throughput: vectorized vs per-record reference.")
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--keys", type=int, default=10_000)
    parser.add_argument("--hash", default="mmh3")
    parser.add_argument("--second-column", type=int, default=0, help="distinct values of a 2nd key column")
    args = parser.parse_args()
    report = bench_routing(args.records, args.workers, args.keys, hash_function=args.hash,
                           second_column=args.second_column)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
