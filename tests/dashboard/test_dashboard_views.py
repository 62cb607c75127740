"""AppTest of the Learn, Charts and Trace pages, each rendered on its own."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from dashboard_probe import plotly_figures, texts
from streamlit.testing.v1 import AppTest

from core.strategies.names import STRATEGY_NAMES
from dashboard.scenario import Scenario
from dashboard.tour import TOUR


def _learn() -> None:
    from dashboard.views import learn

    learn.render()


def _charts() -> None:
    from dashboard.views import charts

    charts.render()


def _trace() -> None:
    from dashboard.views import trace

    trace.render()


def _plotly_elements(at: AppTest) -> list[Any]:
    found, stack = [], [at._tree]
    while stack:
        node = stack.pop()
        if getattr(node, "type", None) == "plotly_chart":
            found.append(node)
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            stack.extend(children.values())
    return found


def test_learn_page_routes_a_live_example_with_every_strategy() -> None:
    at = AppTest.from_function(_learn, default_timeout=60).run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 12
    assert set(STRATEGY_NAMES) <= set(table.columns)
    assert set(table["fan_in"]) == {0}
    (figure,) = [f for f in plotly_figures(at) if str(f["data"][0]["x"][0]).startswith("worker ")]
    assert [t["name"] for t in figure["data"]] == list(STRATEGY_NAMES)


def _tour_chart(at: AppTest) -> dict:  # type: ignore[type-arg]
    (figure,) = [f for f in plotly_figures(at) if str(f["data"][0]["x"][0]) == "w0"]
    return figure


@pytest.mark.usefixtures("needs_simulation")
def test_each_tour_step_is_live_the_chart_answers_the_sliders() -> None:
    at = AppTest.from_function(_learn, default_timeout=120).run()
    assert not at.exception, at.exception
    assert len(_tour_chart(at)["data"][0]["x"]) == 4
    at.slider(key="learn_0_workers").set_value(7).run()
    assert len(_tour_chart(at)["data"][0]["x"]) == 7  # computed again for 7 workers
    assert "busiest worker" in texts(at)
    at.button(key="tour_next").click().run()
    at.button(key="tour_next").click().run()
    at.button(key="tour_next").click().run()  # round robin breaks a GROUP BY: the answer says so
    assert "`round_robin`" in texts(at) and "wrong results" in texts(at)
    at.select_slider(key="learn_3_skew").set_value("hot:0.8").run()
    assert not at.exception


@pytest.mark.usefixtures("needs_simulation")
def test_the_tour_ends_in_the_readers_own_query() -> None:
    at = AppTest.from_function(_learn, default_timeout=120)
    at.session_state["tour_step"] = len(TOUR) - 1
    at.run()
    at.text_area(key="learn_sql").input("SELECT COUNT(*) AS n FROM trades").run()
    assert not at.exception, at.exception
    assert "The analysis picks **`fan_in`**" in texts(at)
    at.text_area(key="learn_sql").input("SELECT symbol,\nFROM trades GROUP BY symbol").run()
    assert not at.exception and at.error  # the SQL error, in words, instead of a chart


def test_learn_tour_moves_forward_and_back() -> None:
    at = AppTest.from_function(_learn, default_timeout=60).run()
    assert TOUR[0].title in texts(at)
    at.button(key="tour_next").click().run()
    assert TOUR[1].title in texts(at)
    at.button(key="tour_prev").click().run()
    assert TOUR[0].title in texts(at)
    assert at.button(key="tour_prev").disabled


SMALL = Scenario(
    sql="SELECT symbol, COUNT(*) FROM trades GROUP BY symbol",
    source_key="symbol",
    records=20_000,
    keys=100,
    statement=0,
)


@pytest.mark.usefixtures("needs_simulation")
def test_charts_page_draws_every_chart_with_one_trace_per_strategy() -> None:
    at = AppTest.from_function(_charts, default_timeout=120)
    at.session_state["scenario"] = SMALL
    at.run()
    assert not at.exception, at.exception
    figures = {_short(fig["layout"]["title"]["text"]): fig for fig in plotly_figures(at)}
    # Every chart of the page, by title (the hot-key and Smart charts apply to this synthetic GROUP BY).
    assert set(figures) == set(CHART_TITLES), sorted(figures)
    for title in PER_STRATEGY_TITLES:
        names = [t.get("name") for t in figures[title]["data"]]
        assert names == list(STRATEGY_NAMES), (title, names)
    assert "correct" in texts(at)
    # The simulator's own speed is folded away in a details section, not beside the throughput.
    (details,) = [e for e in at.expander if "simulator" in e.label]
    assert any("Simulator speed" in json.loads(e.proto.spec)["layout"]["title"]["text"]
               for e in details.children.values() if getattr(e, "type", None) == "plotly_chart")
    assert len(at.dataframe) == 2  # the two skew tables


def _short(title: str) -> str:
    """A chart title without its numbers: "Backlog per worker in the 25 ms…" -> "Backlog per worker"."""
    return title.split(" (")[0].split(" in the ")[0]


CHART_TITLES = (
    "Records per worker",
    "Shuffle fraction",
    "Modeled throughput",
    "Smart's natural vs repartition hits — 100 % aligned",
    "Backlog per worker",
    "Worst worker's backlog",
    "Where the hottest keys go",
    "Records per worker over simulated time",
    "Simulator speed on this machine",
)
PER_STRATEGY_TITLES = (
    "Records per worker",
    "Shuffle fraction",
    "Modeled throughput",
    "Backlog per worker",
    "Worst worker's backlog",
    "Where the hottest keys go",
    "Records per worker over simulated time",
    "Simulator speed on this machine",
)


@pytest.mark.usefixtures("needs_simulation")
def test_charts_page_waits_for_a_click_above_the_budget() -> None:
    at = AppTest.from_function(_charts, default_timeout=60)
    at.session_state["scenario"] = Scenario(records=2_000_000)
    at.run()
    assert not at.exception
    assert at.button(key="charts_run_replay").label.startswith("Run replay of 2,000,000 records (~")
    assert not plotly_figures(at)


def test_charts_page_refuses_more_than_the_cap() -> None:
    at = AppTest.from_function(_charts, default_timeout=60)
    at.session_state["scenario"] = Scenario(records=9_000_000)
    at.run()
    assert not at.exception
    assert "too large for the dashboard" in at.error[0].value and "above 5,000,000" in at.error[0].value


def test_trace_page_asks_for_a_file() -> None:
    at = AppTest.from_function(_trace, default_timeout=60)
    at.session_state["scenario"] = Scenario(source_key="trades=symbol", records=1000)
    at.run()
    assert not at.exception
    # It asks for the file (and nothing ran), with the query's source key shown and editable here.
    (info,) = at.info
    assert info.value.startswith("Upload a trace to start")
    assert not plotly_figures(at) and not at.button
    assert at.text_input(key="trace_source_key").value == "trades=symbol"
    at.text_input(key="trace_source_key").input("trades=venue").run()
    assert "Differs from the key on Analyze" in texts(at)
    assert at.text_input(key="trace_source_key").value == "trades=venue"  # kept over reruns


def _trace_csv(rows: int = 400) -> bytes:
    lines = ["p,symbol,ts"] + [f"{i % 4},s{i % 7},{1_700_000_000_000 + i}" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.usefixtures("needs_simulation")
def test_trace_page_replays_an_uploaded_trace() -> None:
    at = AppTest.from_function(_trace, default_timeout=120)
    at.session_state["scenario"] = SMALL
    at.run()
    at.file_uploader(key="trace_file").upload("trace.csv", _trace_csv(), "text/csv").run()
    assert not at.exception
    # Usual spellings are guessed; the others are picked by hand.
    assert at.selectbox(key="map_partition").value == "p"
    assert at.selectbox(key="map_timestamp").value == "ts"
    at.selectbox(key="map_key").select("symbol").run()
    at.button(key="trace_run").click().run()
    assert not at.exception, at.exception
    figures = plotly_figures(at)
    assert figures and [t["name"] for t in figures[0]["data"]] == list(STRATEGY_NAMES)


def test_trace_page_refuses_files_over_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard.components import trace_upload

    monkeypatch.setattr(trace_upload, "TRACE_LIMIT_MB", 0)
    at = AppTest.from_function(_trace, default_timeout=60).run()
    at.file_uploader(key="trace_file").upload("trace.csv", _trace_csv(10), "text/csv").run()
    assert not at.exception
    assert "MB" in at.error[0].value


def test_trace_without_partition_column_is_a_message_not_a_traceback() -> None:
    at = AppTest.from_function(_trace, default_timeout=60)
    at.session_state["scenario"] = SMALL
    at.run()
    at.file_uploader(key="trace_file").upload("trace.csv", b"a,b\n1,2\n", "text/csv").run()
    at.button(key="trace_run").click().run()
    assert not at.exception
    assert at.error and "partition" in at.error[0].value


@pytest.mark.usefixtures("needs_simulation")
def test_replay_trace_runs_every_strategy(tmp_path: Path) -> None:
    from dashboard import runner

    result = runner.replay_trace(SMALL, _trace_csv(), "trace.csv", {"p": "partition", "ts": "timestamp"})
    data = result.to_dict()
    assert data["records"] == 400
    assert list(data["strategies"]) == list(STRATEGY_NAMES)
