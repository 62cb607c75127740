"""Worker sweep: exact loads, the C/p1 ceiling a hot key imposes, workers needed for a rate."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whatif_data import zipf_topic

from core.errors import InvalidConfigError
from core.simulation.whatif import KeyGroups, count_keys, key_counts, parse_workers, sweep


def test_exact_small_example() -> None:
    # Hashes 0..5 with records 1..6: under mod 2, worker 0 gets keys 0, 2, 4 (1 + 3 + 5).
    kc = key_counts([f"k{i}" for i in range(6)], [1, 2, 3, 4, 5, 6], hashes=range(6))
    r = sweep(kc, [1, 2, 3], capacity=100.0, target_rate=150.0)
    assert [p.stage.loads for p in r.points] == [(21,), (9, 12), (5, 7, 9)]
    assert r.points[1].modeled_throughput == pytest.approx(100.0 * 21 / 12)
    assert r.workers_needed == 2 and r.hottest_share == pytest.approx(6 / 21)
    assert r.throughput_ceiling == pytest.approx(100.0 * 21 / 6)


def test_zipf_curve_flattens_under_the_hot_key_ceiling() -> None:
    kc = count_keys(zipf_topic(100_000, 1000, 1.3), ["k"])
    r = sweep(kc, range(1, 65), capacity=200_000.0, target_rate=2_000_000.0)
    tp = np.array([p.modeled_throughput for p in r.points])
    assert (tp <= r.throughput_ceiling + 1e-6).all()
    # 4x the workers from 16 to 64 gains far less than 4x: the hottest key's worker is the bottleneck.
    assert tp[63] < 1.5 * tp[15] and tp[63] > 0.9 * r.throughput_ceiling
    assert tp[7] > 2 * tp[0]  # while below the ceiling, more workers do help
    assert r.workers_needed is None  and "no worker count" in r.note
    # Reachable rates get their smallest W.
    r2 = sweep(kc, range(1, 65), capacity=200_000.0, target_rate=400_000.0)
    first = next(p.workers for p in r2.points if p.modeled_throughput >= 400_000.0)
    assert r2.workers_needed == first


@given(st.lists(st.integers(1, 1000), min_size=1, max_size=40), st.lists(st.integers(1, 64), min_size=1,
                                                                          max_size=8))
@settings(max_examples=40, deadline=None)
def test_loads_sum_to_records_every_w(counts: list[int], ws: list[int]) -> None:
    kc = key_counts([f"k{i}" for i in range(len(counts))], counts)
    for place in (None, KeyGroups()):
        r = sweep(kc, ws, placement=place)
        assert [p.workers for p in r.points] == sorted(set(ws))
        assert all(sum(p.stage.loads) == kc.records == p.stage.records_in for p in r.points)
        assert all(p.modeled_throughput <= r.throughput_ceiling * (1 + 1e-9) for p in r.points)


def test_parse_and_limits() -> None:
    assert parse_workers("1:4") == (1, 2, 3, 4) and parse_workers("2:10:4") == (2, 6, 10)
    assert parse_workers("4,8,12") == (4, 8, 12)
    kc = key_counts(["a"], [1])
    with pytest.raises(InvalidConfigError, match="at most 256"):
        sweep(kc, range(1, 300))
    with pytest.raises(InvalidConfigError, match="1..1024"):
        sweep(kc, [0, 4])
    for bad in ("x", "1:2:0", "", "3:1"):
        with pytest.raises(InvalidConfigError, match="sweep"):
            parse_workers(bad)
    with pytest.raises(InvalidConfigError, match="target rate"):
        sweep(kc, [1], target_rate=-1.0)
