"""The vocabulary hash cache is bounded by bytes (LRU), whatever the number of entries."""

from __future__ import annotations

import numpy as np

from core.engines import EngineSettings, get_engine
from core.engines.routing import engine_worker_ids
from core.hashing import VocabHashCache, hash_vocab, worker_ids


def vocab(name: str, n: int) -> np.ndarray:
    return np.array([f"{name}_{i}" for i in range(n)], dtype=object)


def test_many_large_vocabularies_stay_within_the_byte_budget() -> None:
    budget = 1 << 20  # 1 MiB; each vocabulary's worker table + hashes is ~240 KB
    cache = VocabHashCache(max_bytes=budget)
    largest = 0
    for column in range(40):  # many distinct column names, as a URL could ask for
        v = vocab(f"c{column}", 40_000)
        worker_ids([np.arange(10)], [v], 8, "mmh3", cache=cache)
        largest = max(largest, 40_000 * 4 + 40_000 * 4)
        assert cache.nbytes <= budget + largest
    assert 1 < len(cache) < 40
    assert VocabHashCache().max_entries is None and VocabHashCache().max_bytes == 256 << 20


def test_eviction_is_least_recently_used() -> None:
    cache = VocabHashCache(max_bytes=3 * 4000)
    keep = vocab("keep", 1000)
    first = hash_vocab(keep, "mmh3", cache=cache)  # 4,000 bytes
    for i in range(10):
        hash_vocab(vocab(f"other{i}", 1000), "mmh3", cache=cache)
        assert hash_vocab(keep, "mmh3", cache=cache) is first  # touched each time: never evicted
    assert cache.nbytes <= 3 * 4000


def test_engine_tables_count_against_the_budget() -> None:
    cache = VocabHashCache(max_bytes=50_000)
    flink = get_engine("flink")
    for i in range(20):
        v = vocab(f"e{i}", 5_000)  # an int32 table of 20,000 bytes each
        engine_worker_ids(flink, [np.arange(5_000)], [v], ["STRING"], 4, EngineSettings(), cache)
    assert cache.nbytes <= 50_000 and len(cache) == 2
