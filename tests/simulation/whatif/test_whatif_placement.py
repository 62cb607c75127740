"""Placements: Flink key groups exact on the notes' vectors; mod-W equals always_hash's worker."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import hashing
from core.errors import InvalidConfigError
from core.simulation.whatif import KeyGroups, ModHash, default_max_parallelism, key_counts
from core.simulation.whatif.placement import flink_murmur_hash

# (hashCode, key group at 128, subtask p=4, subtask p=3 with maxP 256): notes/flink.md.
VECTORS = [(943281246, 4, 0, 0), (243722546, 88, 2, 2), (1525755972, 118, 3, 1), (217642644, 4, 0, 1),
           (302122119, 102, 3, 1), (907821237, 69, 2, 2), (-821098432, 65, 2, 0), (-1883998331, 36, 1, 1),
           (-1748325344, 99, 3, 2), (-687604583, 74, 2, 2)]


def test_key_groups_match_flink_vectors() -> None:
    h = np.array([v[0] for v in VECTORS])
    assert (flink_murmur_hash(h) % 128).tolist() == [v[1] for v in VECTORS]
    assert KeyGroups().place(h, 4).tolist() == [v[2] for v in VECTORS]
    assert KeyGroups(256).place(h, 3).tolist() == [v[3] for v in VECTORS]


def test_flink_murmur_of_min_value_is_zero_or_non_negative() -> None:
    out = flink_murmur_hash(np.array([-(1 << 31), 0, (1 << 31) - 1, 0xFFFFFFFF]))
    assert (out >= 0).all() and (out < 1 << 31).all()


@pytest.mark.parametrize(("p", "expected"), [(1, 128), (4, 128), (85, 128), (86, 256), (100, 256),
                                             (1024, 2048)])
def test_default_max_parallelism(p: int, expected: int) -> None:
    assert default_max_parallelism(p) == expected


def test_mod_hash_is_always_hash_worker() -> None:
    labels = [f"user_{i}" for i in range(500)]
    kc = key_counts(labels, [1] * 500)
    vocab = np.array(labels, dtype=object)
    for w in (1, 3, 8, 12):
        expected = hashing.worker_ids([np.arange(500)], [vocab], w)
        assert ModHash().place(kc.hashes, w).tolist() == expected.tolist()


@given(st.lists(st.integers(-(1 << 31), (1 << 32) - 1), min_size=1, max_size=50), st.integers(1, 128))
def test_placements_stay_in_range(hashes: list[int], w: int) -> None:
    for place in (ModHash(), KeyGroups()):
        out = place.place(np.array(hashes), w)
        assert out.min() >= 0 and out.max() < w


def test_bad_workers_and_max_parallelism() -> None:
    with pytest.raises(InvalidConfigError, match="1..1024"):
        ModHash().place(np.array([1]), 0)
    with pytest.raises(InvalidConfigError, match="exceed the max parallelism"):
        KeyGroups(8).place(np.array([1]), 9)
    with pytest.raises(InvalidConfigError, match="max parallelism must be"):
        KeyGroups(0)
