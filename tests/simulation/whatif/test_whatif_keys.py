"""Streaming key counts: exact, batch-size independent, each key hashed like always_hash."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whatif_data import batches_of, zipf_topic

from core import hashing
from core.errors import InvalidConfigError
from core.simulation.whatif import KeyEncoder, count_keys
from core.workload.batch import Batch


@given(st.lists(st.integers(0, 30), min_size=1, max_size=300), st.integers(1, 50))
@settings(max_examples=60, deadline=None)
def test_counts_are_exact_whatever_the_batches(keys: list[int], chunk: int) -> None:
    kc = count_keys(batches_of(keys, [0] * len(keys), chunk), ["k"])
    expected = np.bincount(keys)
    got = {kc.label(i): int(c) for i, c in enumerate(kc.counts)}
    assert got == {f"k{k}": int(expected[k]) for k in np.flatnonzero(expected)}
    assert kc.records == len(keys)


def test_same_seed_same_counts_and_batch_size_does_not_matter() -> None:
    a = count_keys(zipf_topic(20_000, batch_size=1000), ["k"])
    b = count_keys(zipf_topic(20_000, batch_size=7777), ["k"])
    assert a.counts.tolist() == b.counts.tolist() and a.hashes.tolist() == b.hashes.tolist()
    assert count_keys(zipf_topic(20_000, seed=1), ["k"]).counts.tolist() != a.counts.tolist()


def test_two_columns_and_a_numeric_column_hash_like_always_hash() -> None:
    n = 400
    rng = np.random.default_rng(3)
    a, b = rng.integers(0, 7, n), rng.integers(0, 5, n).astype(np.int64)
    vocab = np.array([f"s{i}" for i in range(7)], dtype=object)
    batch = Batch(partition=np.zeros(n, np.int32), offset=np.zeros(n, np.int64),
                  event_time=np.zeros(n, np.int64), codes={"a": a.astype(np.int32)}, vocab={"a": vocab},
                  values={"b": b})
    enc = KeyEncoder(["a", "b"])
    ids = enc.encode(batch)
    kc = enc.counts()
    assert kc.records == n and kc.keys == len({(x, y) for x, y in zip(a.tolist(), b.tolist(), strict=True)})
    workers = hashing.worker_ids_from_values([vocab[a], b], 5)
    assert (kc.hashes[ids] % 5).tolist() == workers.tolist()


def test_no_key_columns_is_a_clear_error() -> None:
    with pytest.raises(InvalidConfigError, match="keyed stage"):
        KeyEncoder([])
    with pytest.raises(InvalidConfigError, match="not a column"):
        count_keys(batches_of([1], [0]), ["missing"])
