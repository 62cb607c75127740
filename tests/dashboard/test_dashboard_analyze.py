"""AppTest of the Analyze & replay page: inputs by key, decision, highlighted tree, errors, URL seeding."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from dashboard_probe import chosen_strategy, dot_sources, plain, plotly_figures, texts
from streamlit.testing.v1 import AppTest

from core.strategies.names import STRATEGY_NAMES
from dashboard.samples import load_samples
from dashboard.scenario import DEFAULTS, URL_PARAMS, Scenario
from dashboard.share import share_params

GROUP_BY = "SELECT symbol, COUNT(*) FROM trades GROUP BY symbol"


def headline_strategy(app: AppTest) -> str:
    """The strategy of the big heading under "Recommended strategy" (``## :colour[name]``)."""
    (heading,) = [m.value for m in app.markdown if m.value.startswith("## ")]
    return heading.split("[", 1)[1].split("]", 1)[0]


def _replay_figures(app: AppTest) -> list[dict[str, Any]]:
    """The replay's charts: the pipeline picture is drawn from the plan alone, replay or not."""
    return [f for f in plotly_figures(app) if not f["layout"]["title"]["text"].startswith("Pipeline")]


def test_default_page_runs_and_draws_every_input(app: AppTest) -> None:
    app.run()
    assert not app.exception
    # Every input of the scenario has its widget, showing the documented default.
    widgets = {
        "sql": app.text_area(key="sql"), "dialect": app.selectbox(key="dialect"),
        "tree": app.selectbox(key="tree"), "strategy": app.selectbox(key="strategy"),
        "producer": app.selectbox(key="producer"), "source_key": app.text_input(key="source_key"),
        "distribution": app.text_input(key="distribution"), "partitions": app.number_input(key="partitions"),
        "records": app.number_input(key="records"), "workers": app.number_input(key="workers"),
        "keys": app.number_input(key="keys"), "seed": app.number_input(key="seed"),
        "input_rate": app.number_input(key="input_rate"), "processes": app.number_input(key="processes"),
    }
    shown = {name: w.value for name, w in widgets.items()}
    assert shown == {name: getattr(DEFAULTS, name) for name in widgets}
    # ... and the page answers the default query: GROUP BY symbol on a topic keyed by symbol is aligned.
    assert headline_strategy(app) == "smart_repartition"
    assert any(m.label.startswith("Best correct") for m in app.metric)


def test_aligned_group_by_picks_smart_and_highlights_the_path(app: AppTest) -> None:
    app.run()
    app.text_area(key="sql").input(GROUP_BY)
    app.text_input(key="source_key").input("symbol")
    app.run()
    assert not app.exception
    assert chosen_strategy(app) == "smart_repartition"
    (dot,) = dot_sources(app)
    # The taken path (default tree: extended): its questions and the reached leaf carry the thick pen.
    for node in ("multi_stage", "has_group_by", "source_aligned", "smart_on_group_keys"):
        line = next(ln for ln in dot.splitlines() if ln.strip().startswith(f'"{node}" ['))
        assert "penwidth=" in line, line
    idle = next(ln for ln in dot.splitlines() if ln.strip().startswith('"has_analytic" ['))
    assert "penwidth" not in idle


def test_unknown_source_key_falls_back_to_hash(app: AppTest) -> None:
    app.run()
    app.text_area(key="sql").input(GROUP_BY)
    app.text_input(key="source_key").input("symbol")
    app.run()
    assert chosen_strategy(app) == "smart_repartition"  # the same query, aligned
    app.text_input(key="source_key").input("")
    app.run()
    # The headline itself (not just any text on the page: every strategy name appears in the replay).
    assert headline_strategy(app) == "always_hash"
    app.text_input(key="source_key").input("symbol").run()
    assert headline_strategy(app) == "smart_repartition"


def test_syntax_error_shows_line_column_and_caret(app: AppTest) -> None:
    app.run()
    app.text_area(key="sql").input("SELECT symbol,\nFROM trades GROUP BY")
    app.run()
    assert not app.exception
    assert app.error, "a syntax error must be shown with st.error"
    assert "line" in app.error[0].value and "column" in app.error[0].value
    assert any("^" in code.value for code in app.code)


def test_strategy_override_warns_when_unsafe(app: AppTest) -> None:
    app.run()
    app.text_area(key="sql").input(GROUP_BY)
    app.selectbox(key="strategy").select("round_robin")
    app.run()
    assert not app.exception
    # Never headlined: the recommendation stays the safe pick, the override is shown as wrong beside it.
    assert headline_strategy(app) == "smart_repartition"
    assert any(plain(e.value).startswith("You set round_robin: wrong here because") for e in app.error)
    assert any("you set round_robin, which it refuses" in plain(w.value) for w in app.warning)


def test_bad_input_is_an_error_message_not_a_traceback(app: AppTest) -> None:
    app.run()
    app.text_input(key="source_key").input("=,=")
    app.run()
    assert not app.exception
    # Said under the field, in the page's words; the analysis goes on without the unreadable key
    # (an unknown key: hash the GROUP BY keys), and says so.
    (error,) = app.error
    assert "source key" in error.value and "--source-key" not in error.value
    assert "ignores the typed key" in error.value
    assert headline_strategy(app) == "always_hash"


def test_url_parameters_seed_the_widgets(app: AppTest) -> None:
    app.query_params["sql"] = GROUP_BY
    app.query_params["source_key"] = "trades=symbol"
    app.query_params["tree"] = "extended"
    app.query_params["workers"] = "6"
    app.query_params["strategy"] = "always_hash"
    app.run()
    assert not app.exception
    assert app.text_area(key="sql").value == GROUP_BY
    assert app.text_input(key="source_key").value == "trades=symbol"
    assert app.selectbox(key="tree").value == "extended"
    assert app.number_input(key="workers").value == 6
    assert app.selectbox(key="strategy").value == "always_hash"
    # ... and the analysis and the replay used them: the override is named, the replay ran on 6 workers.
    assert headline_strategy(app) == "smart_repartition"  # the correctness-first tree still recommends
    assert any(plain(i.value).startswith("You set always_hash: also correct here") for i in app.info)
    assert any("· 6 ·" in str(m.value) for m in app.metric)


def test_every_scenario_input_travels_in_the_url() -> None:
    # Each field set away from its default survives share_params -> from_mapping (a field the link
    # forgets comes back as the default and fails here).
    root = Path(__file__).resolve().parents[2]
    tree = (root / "core" / "decide" / "trees" / "seed.toml").read_text("utf-8")
    changed = Scenario(
        sql="SELECT page, COUNT(*) FROM pageviews GROUP BY page", dialect="flink", engine="spark",
        tree="seed",
        source_key="pageviews=page", partitions=12, strategy="always_hash", records=3_000, workers=7, keys=55,
        distribution="hot:0.3", producer="crc32", seed=9, input_rate=12_345.0, processes=2,
        tree_text=tree, tree_name="mine", statement=0,
    )
    assert {f.name for f in fields(Scenario)} <= {*URL_PARAMS}
    assert all(getattr(changed, f.name) != getattr(DEFAULTS, f.name) for f in fields(Scenario))
    assert Scenario.from_mapping(share_params(changed, DEFAULTS)) == changed


def test_sql_with_html_stays_text(app: AppTest) -> None:
    app.run()
    app.text_area(key="sql").input("SELECT `<b>x</b>`, COUNT(*) FROM trades GROUP BY `<b>x</b>`")
    app.run()
    assert not app.exception
    for element in app.markdown:
        assert "<b>" not in element.value or "\\<b\\>" in element.value


def test_small_scenario_replays_by_itself_with_charts_and_exports(app: AppTest) -> None:
    app.query_params["sql"] = GROUP_BY
    app.query_params["records"] = "20000"
    app.run()
    assert not app.exception, app.exception
    figures = _replay_figures(app)
    assert len(figures) >= 2
    assert [t["name"] for t in figures[0]["data"]] == list(STRATEGY_NAMES)
    assert {"export_html", "export_json", "export_csv"} <= {b.key for b in app.get("download_button")}


def test_large_scenario_waits_for_the_button(app: AppTest) -> None:
    app.query_params["sql"] = GROUP_BY
    app.query_params["records"] = "2000000"
    app.run()
    assert not app.exception
    assert app.button(key="run_replay").label.startswith("Run replay of 2,000,000 records (~")
    assert not _replay_figures(app)


def test_sample_picker_loads_the_sample_into_the_editor(app: AppTest) -> None:
    app.run()
    sample = next(s for s in load_samples() if s.name == "velostream_trading_vwap_by_symbol")
    app.selectbox(key="sample").select(sample.title).run()
    assert not app.exception
    assert app.text_area(key="sql").value == sample.sql
    assert app.text_input(key="source_key").value == "trades=symbol"


def test_a_bad_uploaded_tree_is_a_message(app: AppTest) -> None:
    app.run()
    app.file_uploader(key="tree_file").upload("mine.toml", b'root = "x"\n[[nodes]]\nid = "y"\n', "text/plain")
    app.run()
    assert not app.exception
    assert app.error and "tree" in app.error[0].value


def test_an_uploaded_tree_replaces_the_preset(app: AppTest) -> None:
    tree = b'name = "mine"\nroot = "only"\n[[nodes]]\nid = "only"\nstrategy = "sticky"\n'
    app.run()
    app.file_uploader(key="tree_file").upload("mine.toml", tree, "text/plain")
    app.run()
    assert not app.exception
    assert "sticky_partition" in texts(app)
    assert '"only" [' in dot_sources(app)[0]


def test_multi_statement_scripts_get_a_statement_picker(app: AppTest) -> None:
    app.query_params["sql"] = (
        "CREATE STREAM by_symbol AS SELECT symbol, COUNT(*) AS n FROM trades GROUP BY symbol;\n"
        "SELECT * FROM by_symbol ORDER BY n"
    )
    app.query_params["records"] = "5000"
    app.run()
    assert not app.exception, app.exception
    assert app.selectbox(key="statement").value == 1
    app.selectbox(key="statement").select(0).run()
    assert not app.exception


def test_replay_in_worker_processes(app: AppTest) -> None:
    # Worker processes re-import the main script as __mp_main__; app.py must not draw (or replay) then.
    app.session_state["processes"] = 2
    app.query_params["sql"] = GROUP_BY
    app.query_params["records"] = "50000"
    app.run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    assert len(_replay_figures(app)) >= 2


def test_an_unexpected_core_failure_is_a_message_not_a_traceback(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard import runner

    def broken(scenario: object) -> object:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(runner, "analysis", broken)
    app.run()
    assert not app.exception
    assert "internal error (RecursionError)" in app.error[0].value


def test_every_sample_query_analyzes_and_replays_cleanly(app: AppTest) -> None:
    app.query_params["records"] = "2000"
    app.run()
    failures = []
    for sample in load_samples():
        app.selectbox(key="sample").select(sample.title).run()
        if app.exception:
            failures.append((sample.name, app.exception[0].message))
        # Red verdicts ("… picks X: wrong here because …", icon cancel) are answers, not failures.
        problems = [e.value for e in app.error if e.icon != ":material/cancel:"]
        if not app.exception and (problems or not dot_sources(app) or len(_replay_figures(app)) < 2):
            failures.append((sample.name, problems or "no tree or no replay charts"))
    assert not failures, failures
