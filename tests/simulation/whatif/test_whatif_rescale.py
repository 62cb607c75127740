"""Rescale: what moves under mod-W hashing and under Flink key groups (exact counts, invariants)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import InvalidConfigError
from core.simulation.whatif import KeyGroups, ModHash, key_counts, rescale
from core.simulation.whatif.assignment import max_weight_assignment


def test_mod_hash_8_to_12_moves_two_thirds_exactly() -> None:
    # Every residue mod 24 once: a key stays iff h mod 8 == h mod 12, i.e. h mod 24 < 8.
    kc = key_counts([str(i) for i in range(24)], [1] * 24, hashes=range(24))
    fam = rescale(kc, 8, 12, placements=[ModHash()]).families[0]
    assert fam.keys_moved == 16 and fam.keys_share == pytest.approx(2 / 3)


def test_state_is_weighted_by_records_or_given_sizes() -> None:
    kc = key_counts(["a", "b", "c"], [10, 1, 1], hashes=[2, 3, 0])  # mod 2 → 3: a 0→2, b 1→0, c stays
    fam = rescale(kc, 2, 3, placements=[ModHash()]).families[0]
    assert (fam.keys_moved, fam.state_moved, fam.state_share) == (2, 11.0, pytest.approx(11 / 12))
    sized = rescale(kc, 2, 3, placements=[ModHash()], state_sizes=np.array([0.0, 5.0, 5.0])).families[0]
    assert sized.state_share == pytest.approx(0.5)
    with pytest.raises(InvalidConfigError, match="state sizes"):
        rescale(kc, 2, 3, state_sizes=np.array([1.0]))


@given(st.lists(st.integers(0, (1 << 32) - 1), min_size=1, max_size=200, unique=True), st.integers(1, 40),
       st.integers(1, 40))
@settings(max_examples=30, deadline=None)
def test_invariants(hashes: list[int], w1: int, w2: int) -> None:
    kc = key_counts([str(i) for i in range(len(hashes))], [1 + i % 3 for i in range(len(hashes))],
                    hashes=hashes)
    same = rescale(kc, w1, w1)
    assert all(f.keys_moved == 0 and f.state_moved == 0 for f in same.families)
    r = rescale(kc, w1, w2)
    for f in r.families:
        assert 0.0 <= f.keys_share <= 1.0 and 0.0 <= f.state_share <= 1.0
    # Key groups: all keys of one key group move together (maxP 128 for W <= 64).
    kg = KeyGroups()
    groups = kg.key_groups(kc.hashes, w1)
    moved = kg.place(kc.hashes, w1) != kg.place(kc.hashes, w2)
    for g in np.unique(groups):
        assert len(set(moved[groups == g].tolist())) == 1
    fam = r.families[1]
    assert fam.key_groups == 128 and fam.key_groups_moved is not None
    assert fam.keys_moved == int(moved.sum())


def test_max_parallelism_change_warns() -> None:
    kc = key_counts([f"k{i}" for i in range(2000)], [1] * 2000)
    fam = rescale(kc, 8, 100).families[1]
    assert (fam.max_parallelism_from, fam.max_parallelism_to) == (128, 256)
    assert fam.warnings and "cannot restore" in fam.warnings[0]
    assert fam.keys_share_if_max_parallelism_changes is not None
    # With a fixed max parallelism there is nothing to warn about.
    fixed = rescale(kc, 8, 100, placements=[KeyGroups(256)]).families[0]
    assert not fixed.warnings and fixed.max_parallelism_to == 256
    with pytest.raises(InvalidConfigError, match="exceed the max parallelism"):
        rescale(kc, 8, 200, placements=[KeyGroups(128)])


@given(st.lists(st.lists(st.integers(0, 9), min_size=1, max_size=5), min_size=1, max_size=5))
@settings(max_examples=80, deadline=None)
def test_assignment_is_optimal(rows: list[list[int]]) -> None:
    width = min(len(r) for r in rows)
    w = np.array([r[:width] for r in rows], dtype=np.float64)
    pick = max_weight_assignment(w)
    chosen = [int(j) for j in pick if j >= 0]
    assert len(chosen) == len(set(chosen)) == min(w.shape)
    got = sum(w[i, j] for i, j in enumerate(pick) if j >= 0)
    slots = [*range(w.shape[1]), *([None] * w.shape[0])]
    best = max(sum(w[i, p[i]] for i in range(w.shape[0]) if p[i] is not None)
               for p in itertools.permutations(slots, w.shape[0]))
    assert got == pytest.approx(best)


@given(st.lists(st.integers(0, (1 << 32) - 1), min_size=1, max_size=100, unique=True), st.integers(1, 24),
       st.integers(1, 24))
@settings(max_examples=40, deadline=None)
def test_best_mapping_never_moves_more(hashes: list[int], w1: int, w2: int) -> None:
    kc = key_counts([str(i) for i in range(len(hashes))], [1] * len(hashes), hashes=hashes)
    for f in rescale(kc, w1, w2).families:
        assert f.state_share_best_mapping is not None
        assert 0.0 <= f.state_share_best_mapping <= f.state_share + 1e-12
    assert all(f.state_share_best_mapping == 0 for f in rescale(kc, w1, w1).families)
