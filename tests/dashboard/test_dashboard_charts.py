"""Figure builders: one trace per strategy, one colour per strategy everywhere, plain data in."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pytest
from fake_result import fake_result

from core.strategies.names import STRATEGY_NAMES
from core.testing import small_result_dict
from core.testing.results import SMALL_CONFIG
from dashboard import charts
from dashboard.charts.style import TOP_N, WRONG_PATTERN
from dashboard.colors import STRATEGY_COLORS, tint

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
    result = small_result_dict()
    for trace in builder(result).data:
        if result["strategies"][trace.name]["correct"]:
            assert trace.marker.color == STRATEGY_COLORS[trace.name]
        else:  # wrong results: muted, see the wrong-marking tests
            assert trace.marker.color != STRATEGY_COLORS[trace.name]


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
    assert {"busiest ÷ mean", "fairness (Jain)", "inequality (Gini)", "correct", "verdict"} <= set(
        frame.columns
    )


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
    assert list(fig.data[0].customdata[0]) == [5, 0]


def test_builders_accept_the_result_object_too() -> None:
    class Result:
        def to_dict(self) -> dict[str, object]:
            return small_result_dict()

    assert len(charts.load_bars(Result()).data) == len(STRATEGY_NAMES)


# --- issue 12: charts at scale, the capacity line, wrong results marked -------------------------


def wide_result(workers: int = 256) -> dict[str, Any]:
    """The fake result spread over ``workers`` workers; round_robin gives wrong results."""
    result = fake_result()
    result["workers"] = workers
    result["records"] = 100 * workers
    for name, m in result["strategies"].items():
        loads = [100 + (i * 37 + len(name)) % 50 for i in range(workers)]
        if name == "fan_in":
            loads = [100 * workers] + [0] * (workers - 1)
        m["loads"] = loads
        m["bucket_loads"] = [[v // 3 for v in loads] for _ in range(3)]
        m["backlog"] = [[float(v * b) for v in loads] for b in range(3)]
    return result


def _texts(fig: go.Figure) -> str:
    parts = [a.text or "" for a in fig.layout.annotations]
    parts += [str(fig.layout.title.text)]
    for trace in fig.data:
        parts += [str(t) for t in (getattr(trace, "text", None) or ())]
        parts += [str(getattr(trace, "hovertemplate", "") or "")]
    return "\n".join(parts)


def test_throughput_without_a_rate_draws_the_capacity_line_never_an_input_rate() -> None:
    fig = charts.throughput_figure(fake_result())  # the fake's input_rate 800,000 = W × capacity
    labels = [a.text for a in fig.layout.annotations]
    assert not any("input rate" in text for text in labels)
    (capacity,) = [t for t in labels if "modeled capacity" in t]
    assert "760,000/s" in capacity  # 4 workers × 190,000/s
    (line,) = fig.layout.shapes
    assert line.y0 == pytest.approx(760_000)


def test_throughput_draws_the_input_rate_when_given() -> None:
    fig = charts.throughput_figure(fake_result(), input_rate=500_000)
    labels = [a.text for a in fig.layout.annotations]
    assert any("input rate<br>500,000/s" in t for t in labels)
    assert sorted(s.y0 for s in fig.layout.shapes) == [500_000, pytest.approx(760_000)]


def test_line_labels_sit_beside_the_plot_so_no_bar_value_is_covered() -> None:
    fig = charts.throughput_figure(fake_result(), input_rate=500_000)
    for note in fig.layout.annotations:
        if "capacity" in note.text or "input rate" in note.text:
            assert note.xref == "paper" and note.x >= 1 and note.xanchor == "left"
    assert fig.layout.margin.r >= 120
    for trace in fig.data:
        assert trace.textposition != "outside"


def test_measured_replay_speed_is_not_a_throughput_chart() -> None:
    text = _texts(charts.throughput_figure(fake_result()))
    assert "measured" not in text.lower() and "2,000,000" not in text
    assert "Simulator speed" in charts.measured_figure(fake_result()).layout.title.text


WRONG_MARKED = [
    charts.load_bars,
    charts.shuffle_figure,
    charts.throughput_figure,
    charts.backlog_figure,
    charts.backlog_total_figure,
    charts.bucket_heatmap,
]


@pytest.mark.parametrize("builder", WRONG_MARKED, ids=lambda b: b.__name__)
@pytest.mark.parametrize("workers", [4, 256])
def test_a_wrong_strategy_is_marked_on_every_chart(builder, workers: int) -> None:  # type: ignore[no-untyped-def]
    result = fake_result() if workers == 4 else wide_result(workers)
    fig = builder(result)
    notes = [a.text for a in fig.layout.annotations if "wrong results" in (a.text or "")]
    assert any("round_robin" in n for n in notes), notes
    assert not any("always_hash" in n for n in notes)


@pytest.mark.parametrize("builder", [charts.load_bars, charts.shuffle_figure, charts.throughput_figure])
def test_wrong_bars_are_hatched_and_muted_like_everywhere(builder) -> None:  # type: ignore[no-untyped-def]
    fig = builder(fake_result())
    wrong = [t for t in fig.data if t.name == "round_robin"]
    right = [t for t in fig.data if t.name == "always_hash"]
    assert wrong and all(t.marker.pattern.shape == WRONG_PATTERN for t in wrong)
    assert all(t.marker.color == tint(STRATEGY_COLORS["round_robin"], 0.55) for t in wrong)
    assert all(not t.marker.pattern.shape for t in right)


def test_no_wrong_strategy_no_marking() -> None:
    result = fake_result()
    result["strategies"]["round_robin"]["correct"] = True
    fig = charts.throughput_figure(result)
    assert "wrong results" not in _texts(fig)


def test_per_worker_loads_summarise_past_64_workers() -> None:
    fig = charts.load_bars(wide_result(256))
    boxes = [t for t in fig.data if t.type == "box"]
    bars = [t for t in fig.data if t.type == "bar"]
    assert [t.name for t in boxes] == list(STRATEGY_NAMES)
    assert all(len(t.y) == 256 for t in boxes)  # the box sees every worker
    assert all(len(t.x) == TOP_N for t in bars)  # and the bars only the busiest ten
    fan_in = next(t for t in bars if t.name == "fan_in")
    assert fan_in.customdata[0] == "w0" and fan_in.y[0] == 25_600
    assert "256 workers" in fig.layout.title.text


def test_per_worker_bars_stay_bars_up_to_64_workers_with_few_tick_labels() -> None:
    fig = charts.load_bars(wide_result(64))
    assert {t.type for t in fig.data} == {"bar"} and len(fig.data[0].x) == 64
    assert fig.layout.xaxis.nticks <= 10


def test_backlog_summarises_past_64_workers() -> None:
    fig = charts.backlog_figure(wide_result(256))
    assert {t.type for t in fig.data} == {"box"}
    assert all({t.type for t in frame.data} == {"box"} for frame in fig.frames)


def test_top_workers_are_the_busiest_first() -> None:
    assert charts.top_workers([5, 9, 1, 9, 3], n=3) == [(1, 9.0), (3, 9.0), (0, 5.0)]


def test_heatmaps_share_one_log_colour_scale_with_a_colour_bar() -> None:
    grid = pd.DataFrame([[1000, 0], [9, 99]], index=["k0", "k1"], columns=["w0", "w1"])
    fig = charts.key_worker_heatmap({name: grid for name in STRATEGY_NAMES})
    assert all(t.coloraxis == "coloraxis" for t in fig.data)
    axis = fig.layout.coloraxis
    assert axis.colorbar.title.text.startswith("records") and "log" in axis.colorbar.title.text
    assert list(axis.colorbar.ticktext) == ["0", "1", "10", "100", "1k"]
    assert fig.data[0].z[1] == pytest.approx([1.0, 2.0])  # log10(1 + 9), log10(1 + 99)
    assert list(fig.data[0].customdata[0]) == [1000, 0]  # hover shows the records, not the log


def test_heatmap_panels_stack_so_their_titles_never_overlap() -> None:
    fig = charts.bucket_heatmap(wide_result(256))
    titles = [a for a in fig.layout.annotations if a.text.split()[0] in STRATEGY_NAMES]
    assert len(titles) == len(STRATEGY_NAMES)
    assert len({round(a.y, 3) for a in titles}) == len(titles)  # one row each
    assert list(fig.data[0].x) == list(range(256))  # a numeric worker axis: ticks thin to the width


def test_bucket_times_read_in_milliseconds_for_short_replays() -> None:
    fig = charts.bucket_heatmap(fake_result())
    assert list(fig.data[0].y) == ["500 ms", "1 s", "1.5 s"]


def test_backlog_titles_say_how_much_simulated_time_is_shown() -> None:
    result = fake_result()
    result["bucket_seconds"] = 0.002
    assert "6 ms" in charts.backlog_figure(result).layout.title.text
    assert "6 ms" in charts.backlog_total_figure(result).layout.title.text


def test_backlog_growth_is_the_worst_workers_slope() -> None:
    result = fake_result()
    for m in result["strategies"].values():
        m["backlog"] = [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]
    result["strategies"]["fan_in"]["backlog"] = [[10.0, 0], [20.0, 0], [30.0, 0], [40.0, 0]]
    growth = charts.backlog_growth(result)  # bucket 0.5 s: +10 records every half second
    assert growth["fan_in"] == pytest.approx(20.0)
    assert growth["always_hash"] == 0.0


def test_skew_tables_have_plain_headers_with_help_and_few_columns() -> None:
    tables = charts.skew_tables(fake_result())
    headers = [c for _, styler, _ in tables for c in styler.data.columns]
    assert "I/m" not in headers and "max/median" not in headers
    assert "excess over mean, share of records" in headers
    for _, styler, helps in tables:
        assert len(styler.data.columns) <= 8  # the strategy and seven numbers at most
        assert set(helps) == set(styler.data.columns) - {"strategy"}


def test_skew_tables_show_a_dash_for_an_idle_median_and_thousands_separators() -> None:
    result = fake_result()
    result["strategies"]["fan_in"]["max_median"] = None  # median load 0: the JSON says null
    result["strategies"]["fan_in"]["imbalance"] = 123_456.0
    balance = charts.skew_tables(result)[0][1].to_html()
    assert "Infinity" not in balance and "inf" not in balance and ">—<" in balance
    outcome = charts.skew_tables(result)[1][1].to_html()
    assert "700,000" in outcome and "123,456" in outcome and "✗ wrong results" in outcome


def test_metrics_frame_keeps_the_numbers() -> None:
    result = fake_result()
    result["strategies"]["fan_in"]["max_median"] = None
    frame = charts.metrics_frame(result).set_index("strategy")
    assert math.isnan(frame.loc["fan_in", "busiest ÷ median"])
    assert frame.loc["always_hash", "busiest ÷ median"] == 1.2
