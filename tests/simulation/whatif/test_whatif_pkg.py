"""Partial key grouping: the exact greedy, the d-choice bound, plain hashing as d = 1."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whatif_data import batches_of, zipf_topic

from core.errors import InvalidConfigError
from core.simulation.whatif import count_keys, partial_key_grouping
from core.simulation.whatif.pkg import candidates


def _greedy(keys: list[int], parts: list[int], w: int, d: int) -> list[int]:
    """Per record: the sender's least-loaded candidate (first on ties), by the sender's own counts."""
    kc = count_keys(batches_of(keys, parts, 10_000), ["k"])
    cands = candidates(kc.hashes, w, d)
    ids = {kc.label(i): i for i in range(kc.keys)}
    sent = [[0] * w for _ in range(w)]
    loads = [0] * w
    for k, p in zip(keys, parts, strict=True):
        s = p % w
        options = cands[ids[f"k{k}"]].tolist()
        best = min(range(d), key=lambda j: (sent[s][options[j]], j))
        sent[s][options[best]] += 1
        loads[options[best]] += 1
    return loads


@given(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 5)), min_size=1, max_size=300),
       st.integers(1, 8), st.integers(1, 3), st.integers(1, 50))
@settings(max_examples=60, deadline=None)
def test_chunk_one_is_the_exact_greedy(records: list[tuple[int, int]], w: int, d: int, batch: int) -> None:
    keys, parts = [k for k, _ in records], [p for _, p in records]
    r = partial_key_grouping(batches_of(keys, parts, batch), ["k"], w, d=d, chunk=1)
    assert list(r.pkg.loads) == _greedy(keys, parts, w, d)
    assert sum(r.pkg.loads) == len(keys) == sum(r.hashed.loads)
    if d == 1:
        assert r.pkg.loads == r.hashed.loads and r.split_keys == 0


@given(st.integers(0, 1000), st.sampled_from([2, 4, 8, 16]), st.integers(1, 3))
@settings(max_examples=15, deadline=None)
def test_no_d_choice_scheme_beats_its_bound(seed: int, w: int, d: int) -> None:
    r = partial_key_grouping(zipf_topic(5000, 200, 1.2, seed=seed), ["k"], w, d=d)
    assert r.imbalance_ratio >= r.bound - 1e-12
    # Plain hashing (d = 1) never beats p1 - 1/W.
    assert r.hashed.skew["imbalance_ratio"] >= r.hash_bound - 1e-12


def test_pkg_balances_a_zipf_stream_and_chunks_stay_close() -> None:
    exact = partial_key_grouping(zipf_topic(30_000, 1000, 1.3), ["k"], 8, chunk=1)
    fast = partial_key_grouping(zipf_topic(30_000, 1000, 1.3), ["k"], 8)
    assert exact.imbalance_ratio < 0.5 * exact.hashed.skew["imbalance_ratio"]
    assert abs(fast.imbalance_ratio - exact.imbalance_ratio) < 0.01
    assert exact.split_keys > 0 and exact.merge_rows > 1000 - 10
    assert np.isclose(exact.bound, exact.hottest_share / 2 - 1 / 8)


def test_bad_input() -> None:
    with pytest.raises(InvalidConfigError, match="choices"):
        partial_key_grouping(zipf_topic(10), ["k"], 4, d=0)
    with pytest.raises(InvalidConfigError, match="chunk"):
        partial_key_grouping(zipf_topic(10), ["k"], 4, chunk=0)
