"""AppTest of the Analyze & replay page: inputs by key, decision, highlighted tree, errors, URL seeding."""

from __future__ import annotations

import pytest
from dashboard_probe import chosen_strategy, dot_sources, plotly_figures, texts
from streamlit.testing.v1 import AppTest

from core.strategies.names import STRATEGY_NAMES
from dashboard.samples import load_samples
from dashboard.scenario import URL_PARAMS, Scenario

GROUP_BY = "SELECT symbol, COUNT(*) FROM trades GROUP BY symbol"


def test_default_page_runs_and_draws_every_input(app: AppTest) -> None:
    app.run()
    assert not app.exception
    defaults = Scenario()
    assert app.text_area(key="sql").value == defaults.sql
    assert app.selectbox(key="dialect").value == defaults.dialect
    assert app.selectbox(key="tree").value == defaults.tree
    assert app.text_input(key="source_key").value == defaults.source_key
    assert app.text_input(key="distribution").value == defaults.distribution
    for key in ("partitions", "records", "workers", "keys", "seed"):
        assert app.number_input(key=key).value == getattr(defaults, key), key
    assert chosen_strategy(app) is not None  # the default query is analyzed, not just laid out


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
    assert not app.exception
    assert chosen_strategy(app) == "always_hash"


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
    assert chosen_strategy(app) == "round_robin"
    warnings = [w.value.replace("\\", "") for w in app.warning]  # markdown-escaped on the page
    assert any("round_robin refuses GROUP BY" in w for w in warnings), warnings
    app.selectbox(key="strategy").select("always_hash")
    app.run()
    assert chosen_strategy(app) == "always_hash"
    assert not any("refuses GROUP BY" in w.value.replace("\\", "") for w in app.warning)


def test_bad_input_is_an_error_message_not_a_traceback(app: AppTest) -> None:
    app.run()
    app.text_input(key="source_key").input("=,=")
    app.run()
    assert not app.exception
    errors = [e.value.replace("\\", "") for e in app.error]  # markdown-escaped on the page
    # It names the bad key and says what a source key looks like.
    assert any("source key '=,='" in e and "[SOURCE=]COL" in e for e in errors), errors
    assert chosen_strategy(app) is None  # and nothing is decided from a key it could not read


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


def test_every_url_parameter_seeds_its_field_and_nothing_else_does() -> None:
    # Each shareable name, given a valid non-default value, reaches exactly its own Scenario field.
    defaults = Scenario()
    valid = {"sql": GROUP_BY, "dialect": "flink", "tree": "seed", "source_key": "trades=symbol",
             "partitions": "12", "strategy": "sticky_partition", "records": "3000", "workers": "6",
             "keys": "77", "distribution": "zipf:1.3", "producer": "crc32", "seed": "9"}
    assert set(valid) == set(URL_PARAMS)
    for name, raw in valid.items():
        seeded = Scenario.from_mapping({name: raw})
        assert str(getattr(seeded, name)) == raw and getattr(seeded, name) != getattr(defaults, name), name
        others = {f: getattr(seeded, f) for f in URL_PARAMS if f != name}
        assert others == {f: getattr(defaults, f) for f in URL_PARAMS if f != name}, name
    # Session-only inputs are never read from a URL.
    assert Scenario.from_mapping({"processes": "3", "tree_text": "x"}) == defaults


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
    figures = plotly_figures(app)
    assert len(figures) >= 2
    assert [t["name"] for t in figures[0]["data"]] == list(STRATEGY_NAMES)
    assert {"export_html", "export_json", "export_csv"} <= {b.key for b in app.get("download_button")}


def test_large_scenario_waits_for_the_button(app: AppTest) -> None:
    app.query_params["sql"] = GROUP_BY
    app.query_params["records"] = "2000000"
    app.run()
    assert not app.exception
    assert app.button(key="run_replay").label.startswith("Run replay of 2,000,000 records (~")
    assert not plotly_figures(app)


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
    assert len(plotly_figures(app)) >= 2


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
        elif app.error or not dot_sources(app) or len(plotly_figures(app)) < 2:
            failures.append((sample.name, [e.value for e in app.error] or "no tree or no replay charts"))
    assert not failures, failures
