"""Two-phase aggregation: partial rows per (worker, mini-batch) exact; Flink's measured shape."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whatif_data import batches_of, zipf_topic

from core.errors import InvalidConfigError
from core.simulation.whatif import ModHash, count_keys, two_phase


def _reference(keys: list[int], parts: list[int], w: int, size: int) -> tuple[dict[str, int], list[int]]:
    """Per-record: each worker's i-th record is in mini-batch i // size; one row per distinct key in it."""
    seen = [0] * w
    rows: set[tuple[int, int, int]] = set()
    for k, p in zip(keys, parts, strict=True):
        src = p % w
        rows.add((src, seen[src] // size, k))
        seen[src] += 1
    per_key: dict[str, int] = {}
    per_worker = [0] * w
    for src, _, k in rows:
        per_key[f"k{k}"] = per_key.get(f"k{k}", 0) + 1
        per_worker[src] += 1
    return per_key, per_worker


@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 7)), min_size=1, max_size=400),
       st.integers(1, 6), st.integers(1, 40), st.integers(1, 97))
@settings(max_examples=80, deadline=None)
def test_partial_rows_match_a_per_record_reference(records: list[tuple[int, int]], w: int, size: int,
                                                    chunk: int) -> None:
    keys, parts = [k for k, _ in records], [p for _, p in records]
    r = two_phase(batches_of(keys, parts, chunk), ["k"], w, mini_batch=size)
    per_key, per_worker = _reference(keys, parts, w, size)
    assert list(r.local_output) == per_worker
    assert r.partial_rows == sum(per_worker) == r.global_stage.records_in == sum(r.global_stage.loads)
    assert r.local.records_in == r.single_phase.records_in == len(keys) == sum(r.local.loads)
    # The global stage gets each key's partial rows on the key's own worker.
    kc = count_keys(batches_of(keys, parts, chunk), ["k"])
    owner = ModHash().place(kc.hashes, w)
    expected = np.zeros(w, dtype=np.int64)
    for i in range(kc.keys):
        expected[owner[i]] += per_key[kc.label(i)]
    assert list(r.global_stage.loads) == expected.tolist()


def test_flink_measured_shape() -> None:
    # notes/flink.md: 100,000 zipf(1.3) rows over 994 keys at p=4 → 9,335 partial rows near-even,
    # vs [50415, 14108, 8487, 26990] single-phase. Mini-batch 5,000 is Flink's documented example.
    r = two_phase(zipf_topic(100_000, 994, 1.3, partitions=4), ["k"], 4, mini_batch=5000)
    assert abs(r.partial_rows - 9335) / 9335 < 0.05
    assert r.global_stage.max_mean < 1.05 and r.single_phase.max_mean > 1.8
    assert r.hot_key_records / r.records == pytest.approx(0.28, abs=0.01)
    assert r.hot_key_partial_rows <= r.mini_batches
    assert r.to_dict()["stages"][1]["records_in"] == r.partial_rows


def test_same_seed_same_result_and_bad_input() -> None:
    a = two_phase(zipf_topic(20_000, batch_size=3000), ["k"], 4).to_dict()
    b = two_phase(zipf_topic(20_000, batch_size=9000), ["k"], 4).to_dict()
    assert a == b
    with pytest.raises(InvalidConfigError, match="mini-batch"):
        two_phase(zipf_topic(10), ["k"], 4, mini_batch=0)
    with pytest.raises(InvalidConfigError, match="needs records"):
        two_phase(iter(()), ["k"], 4)
