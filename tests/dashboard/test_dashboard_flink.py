"""The Flink panel: "Check with Flink" on Analyze & replay, "Measure with Flink" on Trace replay.

The default suite replaces core's Flink calls (``core.flink.verify.verify_sql``,
``core.flink.measure.measure_flink``, ``core.flink.runner.require_flink``) at core's public boundary;
the ``flink``-marked test at the end runs the real planner.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from dashboard_probe import plotly_figures, texts
from streamlit.testing.v1 import AppTest

from core.flink.errors import FlinkRejectedError, FlinkUnavailableError
from core.flink.measure import Measured, MeasuredStage
from dashboard.components.flink_tables import exchange_text, loads_frame, verify_frame, verify_summary
from dashboard.scenario import Scenario

GROUP_BY = "SELECT region, COUNT(*) AS n FROM orders GROUP BY region"
REPORT: dict[str, Any] = {
    "engine": "flink", "flink_version": "2.3.0", "substituted_sources": ["table orders is not declared: ..."],
    "statements": [{
        "index": 0, "agree": False,
        "notes": ["Flink has hash['r'] into GroupAggregate; Partition Lab does not"],
        "flink": [{"kind": "hash", "keys": ["r"], "feeds": "GroupAggregate",
                   "key_expressions": ["UPPER(region)"]}],
        "partition_lab": [{"kind": "single", "keys": []}],
        "verdicts": [{"flink": None, "partition_lab": 0, "verdict": "different", "reason": "PL has single"},
                     {"flink": 0, "partition_lab": None, "verdict": "different", "reason": "Flink has hash"}],
    }],
}


def _analyze() -> None:
    from dashboard.views import analyze

    analyze.render()


def _trace() -> None:
    from dashboard.views import trace

    trace.render()


# -- pure builders -----------------------------------------------------------------------------------
def test_the_verify_table_pairs_exchanges_and_shows_calc_keys() -> None:
    table = verify_frame(REPORT["statements"][0])
    assert table.to_dict("records") == [
        {"Flink": "—", "Partition Lab": "single", "Verdict": "different", "Why": "PL has single"},
        {"Flink": "hash[r = UPPER(region)] → GroupAggregate", "Partition Lab": "—", "Verdict": "different",
         "Why": "Flink has hash"}]
    assert verify_summary(REPORT) == (0, 1)
    forward = verify_frame({"flink": [], "partition_lab": [], "verdicts": []})
    assert forward["Verdict"].tolist() == ["same"]
    assert exchange_text({"kind": "hash", "keys": ["a", "b"]}) == "hash[a, b]"


def test_the_loads_table_has_one_row_per_subtask() -> None:
    frame = loads_frame({"stages": [{"vertex": "V", "loads": [5, 0, 2]}]}, [5, 0, 2])
    assert frame.columns.tolist() == ["Subtask", "Flink stage 1 (measured)", "Simulated (always_hash)"]
    assert frame["Flink stage 1 (measured)"].tolist() == [5, 0, 2]
    assert frame["Simulated (always_hash)"].tolist() == [5, 0, 2]


# -- Check with Flink --------------------------------------------------------------------------------
def _flink_page(app: AppTest, sql: str = GROUP_BY) -> AppTest:
    app.run()
    app.selectbox(key="dialect").select("flink")
    app.text_area(key="sql").input(sql)
    return app.run()


def test_check_with_flink_shows_flinks_plan_beside_ours_and_is_cached(
        app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def fake(sql: str, dialect: str = "flink", **kw: Any) -> dict[str, Any]:
        calls.append(sql)
        return REPORT

    monkeypatch.setattr("core.flink.require_flink", lambda: None)
    monkeypatch.setattr("core.flink.verify_sql", fake)
    _flink_page(app)
    assert not app.exception
    assert calls == []  # nothing starts a JVM before the click
    app.button(key="flink_check").click().run()
    assert not app.exception, app.exception
    shown = [d.value for d in app.dataframe if "Partition Lab" in d.value.columns]
    assert len(shown) == 1 and shown[0]["Flink"].tolist()[1] == "hash[r = UPPER(region)] → GroupAggregate"
    page = texts(app).replace("\\", "")  # md_escape's backslashes
    assert "differ" in page and "Flink has hash['r'] into GroupAggregate" in page
    assert "0 of 1 statements agree" in " ".join(s.label for s in app.status)
    app.run()  # a rerun keeps the answer, from the cache
    assert calls == [GROUP_BY]
    assert any("Partition Lab" in d.value.columns for d in app.dataframe)


def test_a_statement_flink_rejects_is_shown_as_an_error(app: AppTest,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def rejects(sql: str, dialect: str = "flink", **kw: Any) -> dict[str, Any]:
        raise FlinkRejectedError("Flink rejected statement 1 (...): ValidationException: "
                                 "Object 'x' not found")

    monkeypatch.setattr("core.flink.require_flink", lambda: None)
    monkeypatch.setattr("core.flink.verify_sql", rejects)
    _flink_page(app)
    app.button(key="flink_check").click().run()
    assert not app.exception
    assert any("Object 'x' not found" in e.value for e in app.error)


def test_without_the_extra_there_is_a_one_line_install_hint_and_no_button(
        app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> None:
        raise FlinkUnavailableError("no pyflink")

    monkeypatch.setattr("core.flink.require_flink", missing)
    _flink_page(app)
    assert not app.exception
    assert not [b for b in app.button if b.key == "flink_check"]
    assert any("pip install -e '.[flink]'" in c.value for c in app.caption)


def test_other_dialects_get_no_flink_button(app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("core.flink.require_flink", lambda: None)
    app.run()
    app.text_area(key="sql").input("SELECT symbol, COUNT(*) FROM trades GROUP BY symbol").run()
    assert not app.exception
    assert not [b for b in app.button if b.key == "flink_check"]


# -- Measure with Flink ------------------------------------------------------------------------------
TRACE = ("p,symbol\n" + "".join(f"{i % 2},s{i % 5}\n" for i in range(300))).encode()


@pytest.mark.usefixtures("needs_simulation")
def test_measure_with_flink_puts_measured_loads_beside_the_simulated_ones(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, int]] = []

    def fake(sql: str, trace_path: str, workers: int, **kw: Any) -> Measured:
        calls.append((Path(trace_path).read_bytes().decode()[:9], workers))
        return Measured("flink", (MeasuredStage("GroupAggregate[2]", (180, 60, 60)),))

    monkeypatch.setattr("core.flink.require_flink", lambda: None)
    monkeypatch.setattr("core.flink.measure_flink", fake)
    at = AppTest.from_function(_trace, default_timeout=120)
    at.session_state["scenario"] = Scenario(sql="SELECT symbol, COUNT(*) FROM trades GROUP BY symbol",
                                            dialect="flink", workers=3, records=300, keys=5)
    at.run()
    at.file_uploader(key="trace_file").upload("trace.csv", TRACE, "text/csv").run()
    at.number_input(key="trace_workers").set_value(3)
    at.button(key="trace_run").click().run()
    assert not at.exception, at.exception
    at.button(key="flink_measure").click().run()
    assert not at.exception, at.exception
    assert calls == [("p,symbol\n", 3)]
    (table,) = [d.value for d in at.dataframe if "Subtask" in d.value.columns]
    assert table["Flink stage 1 (measured)"].tolist() == [180, 60, 60]
    simulated = table["Simulated (always_hash)"].tolist()
    assert sum(simulated) == 300
    verdict = [s.value for s in at.success] + [w.value for w in at.warning]
    same = simulated == [180, 60, 60]
    assert any(("equal the simulated" if same else "differ from the simulation") in v for v in verdict)
    assert any(f["layout"]["title"]["text"].startswith("Records per subtask") for f in plotly_figures(at))


# -- the real planner ----------------------------------------------------------------------------------
@pytest.mark.flink
def test_check_with_flink_runs_the_real_planner_on_a_sample(app: AppTest) -> None:
    pytest.importorskip("pyflink")
    sample = Path(__file__).resolve().parents[2] / "sample_queries" / "flink_trading_tumble_tvf.sql"
    app.default_timeout = 400
    _flink_page(app, sample.read_text(encoding="utf-8"))
    app.button(key="flink_check").click().run()
    assert not app.exception, app.exception
    (table,) = [d.value for d in app.dataframe if "Partition Lab" in d.value.columns]
    assert table.to_dict("records") == [{"Flink": "hash[symbol] → GlobalWindowAggregate",
                                         "Partition Lab": "hash[symbol]", "Verdict": "same", "Why": ""}]
    assert "1 of 1 statements agree" in " ".join(s.label for s in app.status)
