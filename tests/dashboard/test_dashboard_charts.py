"""Figure builders: one trace per strategy, one colour per strategy everywhere, plain data in."""

from __future__ import annotations

import pandas as pd
import pytest

from core.strategies.names import STRATEGY_NAMES
from core.testing import small_result_dict
from core.testing.results import SMALL_CONFIG
from dashboard import charts
from dashboard.colors import STRATEGY_COLORS

PER_STRATEGY = [
    charts.load_bars,
    charts.shuffle_figure,
    charts.throughput_figure,
    charts.backlog_figure,
    charts.backlog_total_figure,
    charts.bucket_heatmap,
]


@pytest.mark.parametrize("builder", PER_STRATEGY, ids=lambda b: b.__name__)
def test_one_trace_per_strategy_in_strategy_order(builder) -> None:  # type: ignore[no-untyped-def]
    fig = builder(small_result_dict())
    assert [t.name for t in fig.data] == list(STRATEGY_NAMES)


@pytest.mark.parametrize(
    "builder",
    [charts.load_bars, charts.shuffle_figure, charts.throughput_figure, charts.backlog_figure],
    ids=lambda b: b.__name__,
)
def test_each_strategy_keeps_its_colour(builder) -> None:  # type: ignore[no-untyped-def]
    for trace in builder(small_result_dict()).data:
        assert trace.marker.color == STRATEGY_COLORS[trace.name]


def test_colours_are_distinct_and_cover_every_strategy() -> None:
    assert set(STRATEGY_COLORS) == set(STRATEGY_NAMES)
    assert len(set(STRATEGY_COLORS.values())) == len(STRATEGY_NAMES)


def test_load_bars_hold_the_loads() -> None:
    fig = charts.load_bars(small_result_dict())
    fan_in = next(t for t in fig.data if t.name == "fan_in")
    assert list(fan_in.y) == [SMALL_CONFIG.records, 0, 0, 0]  # fan-in: every record on worker 0
    assert list(fan_in.x) == [f"w{i}" for i in range(SMALL_CONFIG.workers)]
    hashed = next(t for t in fig.data if t.name == "always_hash")
    assert list(hashed.y) == list(small_result_dict()["strategies"]["always_hash"]["loads"])


def test_backlog_animates_one_frame_per_bucket_with_a_slider() -> None:
    fig = charts.backlog_figure(small_result_dict())
    assert len(fig.frames) == SMALL_CONFIG.buckets == 3
    assert all(len(frame.data) == len(STRATEGY_NAMES) for frame in fig.frames)
    assert fig.layout.sliders and len(fig.layout.sliders[0].steps) == 3


def test_shuffle_is_shown_in_percent() -> None:
    fig = charts.shuffle_figure(small_result_dict())
    hashed = next(t for t in fig.data if t.name == "always_hash")
    share = small_result_dict()["strategies"]["always_hash"]["shuffle_fraction"]
    assert 0 < share < 1 and list(hashed.y) == [pytest.approx(100 * share)]
    smart = next(t for t in fig.data if t.name == "smart_repartition")
    assert list(smart.y) == [0.0]  # aligned source: nothing moves


def test_metrics_frame_has_a_row_per_strategy() -> None:
    frame = charts.metrics_frame(small_result_dict())
    assert list(frame["strategy"]) == list(STRATEGY_NAMES)
    assert {"max/mean", "Jain", "Gini", "correct", "verdict"} <= set(frame.columns)


def test_smart_hits_only_when_smart_ran() -> None:
    fig = charts.smart_hits_figure(small_result_dict())
    assert fig is not None and [t.x[0] for t in fig.data] == [SMALL_CONFIG.records, 0]
    result = small_result_dict()
    del result["strategies"]["smart_repartition"]
    assert charts.smart_hits_figure(result) is None


def test_key_worker_heatmap_has_one_trace_per_strategy() -> None:
    grid = pd.DataFrame([[5, 0], [0, 3]], index=["k0", "k1"], columns=["w0", "w1"])
    fig = charts.key_worker_heatmap({name: grid for name in STRATEGY_NAMES})
    assert [t.name for t in fig.data] == list(STRATEGY_NAMES)
    assert list(fig.data[0].z[0]) == [5, 0]


def test_builders_accept_the_result_object_too() -> None:
    class Result:
        def to_dict(self) -> dict[str, object]:
            return small_result_dict()

    assert len(charts.load_bars(Result()).data) == len(STRATEGY_NAMES)


def test_max_median_of_an_idle_median_worker_reads_unbounded() -> None:
    result = small_result_dict()
    assert result["strategies"]["fan_in"]["max_median"] is None  # median load 0: the JSON says null
    frame = charts.metrics_frame(result).set_index("strategy")
    assert frame.loc["fan_in", "max/median"] == float("inf")
    expected = result["strategies"]["always_hash"]["max_median"]
    assert expected > 1 and frame.loc["always_hash", "max/median"] == round(expected, 3)
