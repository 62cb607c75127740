"""Skew metrics and the throughput model: DESIGN.md's worked values, exactly."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.simulation import metrics as m
from core.simulation.throughput import backlog, modeled_throughput, worker_capacity

WORKED = [10, 20, 30, 40]


def test_worked_values_for_10_20_30_40() -> None:
    assert m.max_mean(WORKED) == pytest.approx(1.6, abs=1e-12)
    assert m.imbalance(WORKED) == pytest.approx(15.0, abs=1e-12)
    assert m.imbalance_ratio(WORKED) == pytest.approx(0.15, abs=1e-12)
    assert round(m.cv(WORKED), 6) == 0.447214
    assert m.gini(WORKED) == pytest.approx(0.25, abs=1e-12)
    assert round(m.jain(WORKED), 6) == 0.833333
    assert m.flink_skew_pct(WORKED) == pytest.approx(40.0, abs=1e-12)
    assert m.max_median(WORKED) == pytest.approx(1.6, abs=1e-12)


@pytest.mark.parametrize("workers", [1, 2, 4, 7, 64])
def test_fan_in_to_one_of_w(workers: int) -> None:
    loads = [0] * workers
    loads[workers // 2] = 1000
    assert m.max_mean(loads) == pytest.approx(workers)
    assert m.jain(loads) == pytest.approx(1 / workers)
    assert m.gini(loads) == pytest.approx((workers - 1) / workers)
    assert m.flink_skew_pct(loads) == pytest.approx(min(100.0, 200.0 * (workers - 1) / workers))
    if workers > 2:
        assert math.isinf(m.max_median(loads))


def test_perfect_balance_and_no_records() -> None:
    for loads in ([5, 5, 5], [0, 0, 0]):
        assert m.max_mean(loads) == 1.0
        assert m.cv(loads) == 0.0
        assert m.gini(loads) == 0.0
        assert m.jain(loads) == 1.0
        assert m.flink_skew_pct(loads) == 0.0
        assert m.max_median(loads) == 1.0


@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=40))
def test_gini_matches_the_double_sum(loads: list[int]) -> None:
    x = np.array(loads, dtype=float)
    if x.sum() == 0:
        return
    double = np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean())
    assert m.gini(loads) == pytest.approx(double, abs=1e-9)
    assert 1 / len(x) - 1e-12 <= m.jain(loads) <= 1 + 1e-12


def test_capacity_and_modeled_throughput() -> None:
    assert worker_capacity(5.0, 0.2, 1.0, 0.0, 0.0) == pytest.approx(200_000.0)
    assert worker_capacity(5.0, 0.2, 1.0, 1.0, 0.5) == pytest.approx(1e6 / 5.7)
    # W·C·mean/max, capped by the input rate.
    assert modeled_throughput(WORKED, 200_000.0, None) == pytest.approx(500_000.0)
    assert modeled_throughput(WORKED, 200_000.0, 300_000.0) == pytest.approx(300_000.0)
    assert modeled_throughput([100, 0, 0, 0], 200_000.0, None) == pytest.approx(200_000.0)


def test_backlog_accumulates_only_where_arrivals_exceed_capacity() -> None:
    arrivals = np.array([[150, 50], [150, 50], [0, 0]])
    lag = backlog(arrivals, capacity=100.0, bucket_seconds=1.0)
    assert lag.tolist() == [[50.0, 0.0], [100.0, 0.0], [0.0, 0.0]]
