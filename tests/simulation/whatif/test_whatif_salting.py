"""Salting: the hot key's records split over sub-keys, and the merge stage that puts them together."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import InvalidConfigError
from core.simulation.whatif import KeyCounts, ModHash, key_counts, mmh3_hasher, salting


def test_exact_small_example() -> None:
    kc = key_counts(["hot", "a", "b"], [10, 1, 1])
    r = salting(kc, 4, 3, emissions=2)
    assert r.salted_keys == ("hot",) and r.salted_share == pytest.approx(10 / 12)
    # Round robin: 4 + 3 + 3 records on the sub-keys ("hot", "0"), ("hot", "1"), ("hot", "2").
    sub = ModHash().place(mmh3_hasher([np.array(["hot"] * 3, dtype=object),
                                       np.array(["0", "1", "2"], dtype=object)]), 4)
    own = ModHash().place(kc.hashes, 4)
    stage1 = np.zeros(4, np.int64)
    np.add.at(stage1, sub, [4, 3, 3])
    np.add.at(stage1, own[1:], [1, 1])
    assert list(r.salted.loads) == stage1.tolist()
    merge = np.zeros(4, np.int64)
    np.add.at(merge, own, [3 * 2, 2, 2])
    assert list(r.merge.loads) == merge.tolist() and r.merge.records_in == 10


@given(st.lists(st.integers(1, 500), min_size=1, max_size=30), st.integers(2, 16), st.integers(1, 16),
       st.sampled_from(["round_robin", "random"]))
@settings(max_examples=50, deadline=None)
def test_invariants(counts: list[int], salt: int, w: int, mode: str) -> None:
    kc = key_counts([f"k{i}" for i in range(len(counts))], counts)
    r = salting(kc, w, salt, top_k=2, mode=mode, seed=5)
    assert r.salted.records_in == r.unsalted.records_in == kc.records
    hot = sorted(range(len(counts)), key=lambda i: -counts[i])[:2]
    # One merge row per non-empty sub-key of a salted key, one per other key.
    lo = sum(1 for i in range(len(counts)) if i not in hot) + sum(min(counts[i], 1) for i in hot)
    hi = lo + sum(min(counts[i], salt) - 1 for i in hot)
    assert lo <= r.merge.records_in <= hi
    if mode == "round_robin":
        assert r.merge.records_in == hi
    assert r.to_dict() == salting(kc, w, salt, top_k=2, mode=mode, seed=5).to_dict()


def test_bad_input() -> None:
    kc = key_counts(["a"], [3])
    for kwargs, match in (({"salt": 1}, "salt"), ({"salt": 2, "mode": "x"}, "mode"),
                          ({"salt": 2, "threshold": 1.5}, "threshold"), ({"salt": 2, "top_k": 0}, "top-k")):
        with pytest.raises(InvalidConfigError, match=match):
            salting(kc, 4, **kwargs)  # type: ignore[arg-type]
    assert isinstance(kc, KeyCounts)
