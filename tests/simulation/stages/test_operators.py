"""What each replayed operator emits, on small hand-made weighted rows."""

from __future__ import annotations

import numpy as np
import pytest

from core.simulation.stages.operators import SLOT, aggregate_rows, join_rows, limit_rows
from core.simulation.stages.table import Rows, pack


def rows(weights: list[int], **cols: list[int]) -> Rows:
    return Rows({k: np.asarray(v, np.int64) for k, v in cols.items()}, np.asarray(weights, np.int64))


# keys 1 (2 left records, 3 right), 2 (1 left, none right), 3 (none left, 4 right)
LEFT = rows([2, 1], lk=[1, 2])
RIGHT = rows([3, 4], rk=[1, 3])


@pytest.mark.parametrize(("detail", "total"), [
    ("join on lk = rk", 6),  # 2 × 3 pairs of key 1
    ("left join on lk = rk", 6 + 1),  # plus key 2's left record, NULL-padded
    ("right join on lk = rk", 6 + 4),
    ("full join on lk = rk", 6 + 1 + 4),
    ("semi join (IN subquery) on lk = rk", 2),  # the left records that find a partner
    ("anti join (EXISTS) on lk = rk", 1),
    ("temporal join on lk = rk", 2),  # one version of key 1 on the right
])
def test_join_kinds_emit_their_rows(detail: str, total: int) -> None:
    assert join_rows(LEFT, RIGHT, ["lk"], ["rk"], detail).total == total


def test_a_primary_keyed_side_holds_one_version_per_key() -> None:
    assert join_rows(LEFT, RIGHT, ["lk"], ["rk"], "join on lk = rk", versioned=(False, True)).total == 2
    assert join_rows(LEFT, RIGHT, ["lk"], ["rk"], "join on lk = rk", versioned=(True, True)).total == 1


def test_join_output_carries_both_sides_columns_and_nulls_for_the_missing_side() -> None:
    left, right = rows([2, 1], lk=[1, 2], a=[7, 8]), rows([3, 1], rk=[1, 5], b=[9, 6])
    out = join_rows(left, right, ["lk"], ["rk"], "full join on lk = rk")
    got = sorted(zip(out.column("a").tolist(), out.column("b").tolist(), out.weights.tolist(), strict=True))
    assert got == [(-1, 6, 1), (7, 9, 6), (8, -1, 1)]


def test_null_join_keys_never_match() -> None:
    assert join_rows(rows([5], lk=[-1]), rows([5], rk=[-1]), ["lk"], ["rk"], "join on lk = rk").total == 0


def test_a_join_without_equi_keys_yields_every_pair() -> None:
    assert join_rows(LEFT, RIGHT, [], [], "join without an equi-join key (one place)").total == 3 * 7


def test_aggregate_update_stream_and_final_windows() -> None:
    data = rows([3, 2, 4], g=[1, 1, 2], **{SLOT: [0, 1, 0]})
    assert aggregate_rows(data, ["g"], final=False).total == 9  # one update per record
    assert aggregate_rows(data, ["g"], final=True).total == 3  # (g, window) groups: (1,0) (1,1) (2,0)
    # Hopping, each slot in 2 windows: g=1 slots {0, 1} → windows {-1, 0, 1}; g=2 slot 0 → {-1, 0}.
    assert aggregate_rows(data, ["g"], final=True, windows_per_slot=2).total == 5


def test_limit_keeps_the_first_records() -> None:
    assert limit_rows(rows([3, 4], k=[1, 2]), 5).weights.tolist() == [3, 2]
    assert limit_rows(rows([3, 4], k=[1, 2]), None).total == 7


def test_project_sums_weights_exactly_and_pack_tells_combinations_apart() -> None:
    big = rows([2**60 + 1, 2**60 + 1, 5], k=[1, 1, 2])  # not exact in a float64
    assert big.project(["k"]).weights.tolist() == [2**61 + 2, 5]
    a, b = np.array([0, 1, 0, -1]), np.array([1, 0, 1, 3])
    key = pack([a, b])
    assert key[0] == key[2] and len(set(key.tolist())) == 3


def test_a_join_too_wide_to_expand_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from core.errors import InvalidConfigError
    from core.simulation.stages import operators

    monkeypatch.setattr(operators, "MAX_JOIN_ROWS", 3)  # 2 × 2 distinct pairs
    with pytest.raises(InvalidConfigError, match="lower --keys or --records"):
        join_rows(LEFT, RIGHT, [], [], "join without an equi-join key (one place)")
