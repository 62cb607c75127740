"""AppTest of the pipeline panel on Analyze & replay: the graph, the engine picker, single routing
beside it, and the stage replay's colouring."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from dashboard_probe import plotly_figures, texts
from streamlit.testing.v1 import AppTest

from dashboard.components import pipeline_panel

SAMPLE = Path(__file__).resolve().parents[2] / "sample_queries" / "flink_orders_ddl_join_then_group_by.sql"


def _pipeline(at: AppTest) -> dict[str, Any]:
    return next(f for f in plotly_figures(at) if f["layout"]["title"]["text"].startswith("Pipeline under"))


def _markers(fig: dict[str, Any]) -> int:
    return sum(len(t["x"]) for t in fig["data"])


@pytest.fixture
def joined(app: AppTest) -> AppTest:
    app.query_params["sql"] = SAMPLE.read_text()
    app.query_params["dialect"] = "flink"
    app.query_params["records"] = "20000"
    app.run()
    assert not app.exception, app.exception
    return app


def test_panel_draws_the_plan_under_the_dialects_engine(joined: AppTest) -> None:
    assert joined.selectbox(key="engine").value == ""  # the dialect's engine: flink
    fig = _pipeline(joined)
    assert fig["layout"]["title"]["text"] == "Pipeline under flink"
    assert _markers(fig) == 8  # 5 operators + 3 exchanges
    assert "Single routing" in texts(joined)
    assert joined.button(key="pipeline_replay").label.startswith("Replay stages (20,000 records")


def test_engine_picker_replans_the_script(joined: AppTest) -> None:
    joined.selectbox(key="engine").select("kafka-streams").run()
    assert not joined.exception
    fig = _pipeline(joined)
    assert fig["layout"]["title"]["text"] == "Pipeline under kafka-streams"
    # Kafka Streams trusts the sources' message keys (both keyed by the join key): only the GROUP BY
    # re-distributes, where Flink hashes both join inputs too.
    assert _markers(fig) == 6
    hovers = " ".join(h for t in fig["data"] for h in t["hovertext"])
    assert "exchange hash(region)" in hovers and "exchange hash(customer_id)" not in hovers
    assert "re-distributes **1** time (" in texts(joined)
    # The page's engine: the analysis above was planned under it too.
    assert joined.session_state["scenario"].engine == "kafka-streams"


STAGES = [
    {"to": 2, "kind": "hash", "keys": ["customer_id"], "records_in": 100, "loads": [70, 10, 10, 10],
     "max_mean": 2.8},
    {"to": 3, "kind": "hash", "keys": ["region"], "records_in": 40, "loads": [10, 10, 10, 10],
     "max_mean": 1.0},
]


def test_replay_stages_colours_the_exchanges(joined: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, int]] = []

    def fake(scenario: Any, engine: str, statement: int) -> list[dict[str, Any]]:
        calls.append((engine, statement))
        return STAGES

    # The contract of simulate's "stages" (DESIGN.md) until the stage replay lands in core.
    monkeypatch.setattr(pipeline_panel, "stage_replay", fake)
    joined.button(key="pipeline_replay").click().run()
    assert not joined.exception, joined.exception
    assert calls == [("flink", 0)]
    fig = _pipeline(joined)
    replayed = next(t for t in fig["data"] if t["name"] == "replayed")
    assert max(replayed["marker"]["color"]) == 2.8
    assert any("worker 0: 70" in h for h in replayed["hovertext"])
    table = joined.dataframe[-1].value
    assert set(table["max/mean"]) == {2.8, 1.0}
    assert joined.selectbox(key="pipeline_stage").value == "s0:ex0"
    bars = next(f for f in plotly_figures(joined) if f["layout"]["title"]["text"].startswith("Records in"))
    assert list(bars["data"][0]["y"]) == [70, 10, 10, 10]


def test_replay_without_stages_says_so(joined: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline_panel, "stage_replay", lambda *a: None)
    joined.button(key="pipeline_replay").click().run()
    assert not joined.exception
    assert any("no per-stage loads" in i.value for i in joined.info)
