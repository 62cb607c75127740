"""Pure dashboard pieces: DOT of the tree, the HTML report, error carets, words, scenario, launcher."""

from __future__ import annotations

import os
import sys

import pytest

from core.decide import analyze, load_tree
from core.testing import small_result_dict, small_run
from core.testing.results import SMALL_CONFIG
from dashboard import launch
from dashboard.components.errors import caret_excerpt
from dashboard.html_export import build_report, metrics_csv, metrics_json
from dashboard.samples import load_samples
from dashboard.scenario import Scenario, parse_source_keys
from dashboard.text import md_escape, profile_sentences
from dashboard.tree_dot import HIGHLIGHT_PEN, decision_dot, dot_quote, taken_path

GROUP_BY = "SELECT symbol, COUNT(*) FROM trades GROUP BY symbol"


def _node_line(dot: str, node: str) -> str:
    return next(line for line in dot.splitlines() if line.strip().startswith(f'"{node}" ['))


def test_dot_highlights_the_taken_path_and_leaf() -> None:
    decision = analyze(GROUP_BY, source_keys=("symbol",)).statements[0].decision
    tree = load_tree("seed")
    steps, edges, leaf = taken_path(tree, decision)
    assert list(steps) == ["has_group_by", "source_aligned"]
    assert edges == [("has_group_by", "source_aligned"), ("source_aligned", "smart_repartition")]
    assert leaf == "smart_repartition"
    dot = decision_dot(tree, decision)
    for node in ("has_group_by", "source_aligned"):
        line = _node_line(dot, node)
        assert f"penwidth={HIGHLIGHT_PEN}" in line and "fillcolor=" in line
        assert "tooltip=" in line
    assert f"penwidth={HIGHLIGHT_PEN + 1}" in _node_line(dot, "smart_repartition")
    assert "penwidth" not in _node_line(dot, "has_order_by")
    assert (
        '"has_group_by" -> "source_aligned" [label="yes", color="#8A5A00", fontcolor="#8A5A00", penwidth=3]'
        in dot
    )


def test_dot_marks_an_override_on_the_reached_leaf() -> None:
    decision = analyze(GROUP_BY, source_keys=("symbol",), strategy="round_robin").statements[0].decision
    dot = decision_dot(load_tree("seed"), decision)
    assert "overridden: round_robin" in dot


def test_dot_quote_cannot_be_escaped_by_user_text() -> None:
    assert dot_quote('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'


def test_report_escapes_user_sql_and_inlines_plotly_once() -> None:
    sql = "-- <script>alert(1)</script>\n" + GROUP_BY
    scenario = Scenario(sql=sql, statement=0)
    page = build_report(scenario, analyze(sql, source_keys=("symbol",)), small_run().result)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("* plotly.js v") == 1  # the library's banner: inlined exactly once
    assert "smart_repartition" in page and "round_robin" in page


def test_report_without_a_replay_still_has_the_decision() -> None:
    page = build_report(Scenario(sql=GROUP_BY, statement=0), analyze(GROUP_BY), None)
    assert "always_hash" in page and "Has GROUP BY?" in page


def test_metric_exports() -> None:
    assert '"strategies"' in metrics_json(small_result_dict())
    csv = metrics_csv(small_result_dict())
    header, *rows = csv.strip().splitlines()
    assert header.startswith("strategy,loads,busiest ÷ mean")
    assert len(rows) == 5 and rows[-1].startswith(f"fan_in,{SMALL_CONFIG.records} 0 0 0,")


def test_caret_sits_under_the_column() -> None:
    text = caret_excerpt("SELECT a,\nFROM t", 2, 1, 4)
    line, caret = text.splitlines()
    assert line.endswith("FROM t")
    assert caret.index("^") == line.index("FROM") and caret.count("^") == 4


def test_caret_survives_tabs_and_out_of_range_positions() -> None:
    line, caret = caret_excerpt("\tSELECT x", 1, 2).splitlines()
    assert caret.index("^") == line.index("SELECT")
    assert "^" in caret_excerpt("", 9, 99)


def test_markdown_escape_neutralises_markup() -> None:
    assert md_escape("<b>x</b> *y* $z$") == "\\<b\\>x\\</b\\> \\*y\\* \\$z\\$"


def test_profile_in_plain_words() -> None:
    profile = (
        analyze("SELECT symbol, COUNT(*) FROM trades GROUP BY symbol ORDER BY symbol").statements[0].profile
    )
    words = " ".join(profile_sentences(profile))
    assert "reading trades" in words and "Groups by symbol" in words and "Orders by symbol" in words


def test_source_keys_split_on_semicolons() -> None:
    assert parse_source_keys(" trades=symbol ; quotes = sym, venue ;") == (
        "trades=symbol",
        "quotes = sym, venue",
    )
    assert parse_source_keys("") == ()


def test_scenario_from_loose_values_ignores_bad_numbers() -> None:
    scenario = Scenario.from_mapping({"workers": "6", "records": "many", "sql": "SELECT 1", "unknown": "x"})
    assert scenario.workers == 6 and scenario.records == Scenario().records and scenario.sql == "SELECT 1"
    assert Scenario(strategy="auto").strategy_override is None
    assert Scenario(records=600_000).auto_replay is False


def test_samples_carry_their_headers() -> None:
    samples = load_samples()
    assert samples, "sample_queries/ should ship samples"
    vwap = next(s for s in samples if s.name == "velostream_trading_vwap_by_symbol")
    assert vwap.dialect == "velostream" and vwap.source_key == "trades=symbol"
    assert vwap.title.startswith("Per-symbol VWAP")


def test_serve_runs_streamlit_with_explicit_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.web import cli

    seen: list[list[str]] = []
    monkeypatch.setattr(cli, "main", lambda: seen.append(list(sys.argv)))
    monkeypatch.setenv(launch.HOSTS_ENV, "")  # restored after the test
    launch.serve(host="127.0.0.1", port=8600, extra_hosts=("lab.internal",))
    (argv,) = seen
    assert argv[:3] == ["streamlit", "run", str(launch.SERVED_PATH)]
    assert launch.SERVED_PATH.is_absolute() and launch.SERVED_PATH.name == "server_app.py"
    flags = dict(zip(argv[3::2], argv[4::2], strict=True))
    assert flags == {
        "--server.address": "127.0.0.1",
        "--server.port": "8600",
        "--server.headless": "true",
        "--server.fileWatcherType": "none",
        "--browser.gatherUsageStats": "false",
        "--client.toolbarMode": "minimal",
        "--server.maxUploadSize": "50",
        "--server.enableXsrfProtection": "true",
        "--global.disableWidgetStateDuplicationWarning": "true",
    }
    hosts = os.environ[launch.HOSTS_ENV].split(",")
    assert {"localhost", "127.0.0.1", "::1", "lab.internal"} <= set(hosts) and "evil.example" not in hosts


# --- issue 12: custom trees ----------------------------------------------------------------------


def test_each_preset_template_is_the_preset_and_loads_back() -> None:
    from core.decide.trees import PRESETS, load_tree_text, preset
    from dashboard.components.tree_templates import FORMAT_TEXT, predicate_table, preset_toml

    for name in PRESETS:
        tree = load_tree_text(preset_toml(name), name=name)
        assert tree.nodes == preset(name).nodes and tree.root == preset(name).root
    table = predicate_table()
    assert "has_group_by" in set(table["predicate"]) and all(table["asks"].str.len() > 5)
    for word in ("root", "[[nodes]]", "predicate", "strategy", "unknown"):
        assert word in FORMAT_TEXT
