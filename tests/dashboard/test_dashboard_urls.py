"""A dashboard that trusts no URL (issue 11): only shareable parameters are read, each like its widget;
nothing is written from URL or upload content; replays over the auto-run budget wait for a click."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dashboard_probe import plotly_figures
from streamlit.testing.v1 import AppTest

from core.limits import MAX_RATE
from dashboard import runner
from dashboard.scenario import BOUNDS, DEFAULTS, MAX_PROCESSES, Scenario

HOPPING = "SELECT symbol, COUNT(*) FROM trades GROUP BY symbol WINDOW HOPPING(1d, 1ms)"


def _url_charts_page() -> None:
    from dashboard.views import charts

    charts.render()


def _url_trace_page() -> None:
    from dashboard.views import trace

    trace.render()


def _tmp_entries() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).iterdir()}


@pytest.fixture
def replays(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Every SimulationConfig the dashboard handed to core's simulate (the replay still runs)."""
    seen: list[Any] = []
    real = runner.simulate

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs["config"])
        return real(*args, **kwargs)

    monkeypatch.setattr(runner, "simulate", spy)
    yield seen


def test_only_shareable_parameters_are_read_and_each_is_clamped_like_its_widget() -> None:
    s = Scenario.from_mapping({
        "processes": "48", "workers": "48", "tree_text": "[nodes]", "tree_name": "../../etc/x",
        "input_rate": "1e300", "statement": "7", "records": "1e20", "keys": "-5", "partitions": "inf",
        "seed": "nan", "dialect": "oracle", "strategy": "<script>", "producer": "sticky",
        "sql": "x" * 200_001, "engine": "oracle", "wall_s": "1",
    })
    # Processes as the widget allows (core caps them at the CPUs); a tree only in its encoded form.
    assert s.processes == MAX_PROCESSES and s.tree_text is None and s.tree_name == "etcx"
    assert s.input_rate == MAX_RATE and s.statement == 7 and s.engine == DEFAULTS.engine
    assert s.workers == 48  # within the widget's 1..256
    assert s.records == BOUNDS["records"][1] and s.keys == BOUNDS["keys"][0]
    assert s.partitions == BOUNDS["partitions"][1] and s.seed == DEFAULTS.seed
    assert (s.dialect, s.strategy, s.producer) == (DEFAULTS.dialect, DEFAULTS.strategy, "sticky")
    assert len(s.sql) == 100_000


@pytest.mark.usefixtures("needs_simulation")
def test_charts_from_a_url_never_starts_more_processes_than_the_widget_allows(replays: list[Any]) -> None:
    # Issue 11: /charts?processes=48&workers=48 started 48 processes (the UI caps at 16). Issue 12: the
    # processes travel in the link, clamped like the widget (core then caps them at the CPUs).
    at = AppTest.from_function(_url_charts_page, default_timeout=120)
    at.query_params.update({"processes": "48", "workers": "48", "records": "2000", "keys": "10"})
    at.run()
    assert not at.exception
    (config,) = replays
    assert config.processes == MAX_PROCESSES and config.workers == 48 and config.records == 2000
    assert config.process_count <= (os.cpu_count() or 1)


def test_a_url_tree_text_writes_no_file(replays: list[Any]) -> None:
    before = _tmp_entries()
    at = AppTest.from_function(_url_charts_page, default_timeout=60)
    at.query_params.update({"tree_text": "[nodes.root]\nstrategy = 'sticky'", "tree_name": "pwned",
                            "records": "1000"})
    at.run()
    assert not at.exception
    assert not any("partition-lab-trees" in n or "pwned" in n for n in _tmp_entries() - before)


def test_an_uploaded_tree_is_parsed_in_memory() -> None:
    seed = Path(__file__).resolve().parents[2] / "core" / "decide" / "trees" / "seed.toml"
    text = seed.read_text("utf-8")
    before = _tmp_entries()
    tree = runner.decision_tree(Scenario(tree_text="\ufeff" + text, tree_name="mine"))
    assert tree.nodes and _tmp_entries() - before == set()


@pytest.mark.parametrize("params", [
    {"keys": "10000000"},  # issue 11: replayed by itself, ~0.75 GB per column name
    {"sql": HOPPING},  # issue 11: 9.9 GB at 200,000 records, replayed from a link
    {"records": "2000000"},
])
def test_a_link_over_the_auto_run_budget_waits_for_a_click(params: dict[str, str],
                                                           replays: list[Any]) -> None:
    at = AppTest.from_function(_url_charts_page, default_timeout=60)
    at.query_params.update(params)
    at.run()
    assert not at.exception
    assert replays == [] and not plotly_figures(at)
    messages = [e.value for e in (*at.info, *at.error)]
    assert any("Estimated work" in m or "too large for the dashboard" in m or "the limit is 10,000" in m
               for m in messages), messages


def test_the_hopping_link_is_refused_even_after_a_click(replays: list[Any]) -> None:
    at = AppTest.from_function(_url_charts_page, default_timeout=60)
    at.query_params.update({"sql": HOPPING})
    at.run()
    assert not at.exception and not at.button  # too large for the dashboard: no button at all
    # The SQL front end refuses it first (86,400,000 windows per record), with the position.
    assert "86,400,000 windows" in at.error[0].value and "column 60" in at.error[0].value
    assert replays == []


@pytest.mark.usefixtures("needs_simulation")
def test_an_uploaded_trace_leaves_nothing_on_disk_and_errors_name_no_server_path() -> None:
    before = _tmp_entries()
    at = AppTest.from_function(_url_trace_page, default_timeout=120)
    at.session_state["scenario"] = Scenario(records=1000)
    at.run()
    at.file_uploader(key="trace_file").upload("mine.csv", b"\xef\xbb\xbfa,b\n1,2\n", "text/csv").run()
    at.button(key="trace_run").click().run()
    assert not at.exception
    message = at.error[0].value
    assert "mine\\.csv" in message and "columns found\\: a, b" in message  # the BOM is not a column
    assert tempfile.gettempdir() not in message and "partition" + "-lab-" not in message
    at.file_uploader(key="trace_file").upload("ok.csv", b"partition,symbol\n0,a\n1,b\n", "text/csv").run()
    at.selectbox(key="map_key").select("symbol").run()
    at.button(key="trace_run").click().run()
    assert not at.exception and plotly_figures(at)
    assert {n for n in _tmp_entries() - before if "partition-lab" in n} == set()


def test_numbers_no_widget_can_parse_are_clamped_on_the_analyze_page(app: AppTest) -> None:
    # Streamlit's number_input raised OverflowError on ?records=inf while seeding from the URL.
    app.query_params.update({"records": "inf", "keys": "1e400", "partitions": "-5", "seed": "abc"})
    app.run()
    assert not app.exception
    assert app.number_input(key="records").value == BOUNDS["records"][1]
    assert app.number_input(key="keys").value == BOUNDS["keys"][1]
    assert app.number_input(key="partitions").value == 1
    assert app.number_input(key="seed").value == DEFAULTS.seed
    # 5,000,000 records x 10,000,000 keys is over the dashboard's state budget: refused, nothing ran.
    assert "too large for the dashboard" in app.error[0].value
    # Nothing ran: no chart but the pipeline picture (drawn from the plan alone).
    assert [f["layout"]["title"]["text"] for f in plotly_figures(app)] == ["Pipeline under velostream"]
