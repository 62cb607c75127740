"""Charts: every strategy's load, skew, throughput, backlog, hot keys and correctness side by side."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.errors import PartitionLabError
from dashboard import charts, runner
from dashboard.charts.data import result_dict, strategy_items
from dashboard.charts.style import wrong_strategies
from dashboard.components.errors import call_safely
from dashboard.components.exports import export_buttons
from dashboard.components.replay_panel import (
    plotly,
    run_replay,
    simulator_details,
    skew_section,
    verdict_badges,
)
from dashboard.components.scenario_inputs import current_scenario
from dashboard.hotkeys import SAMPLE_RECORDS, hot_key_routing
from dashboard.navigation import page
from dashboard.scenario import Scenario

__all__ = ["render", "draw", "backlog_caption"]


def backlog_caption(result: Any) -> str:
    """What the backlog charts cover, and the horizon a reader plans with (a minute of input)."""
    data = result_dict(result)
    span = charts.simulated_span(result)
    text = (
        f"The replay covers {charts.clock(span)} of simulated time: {data['records']:,} records arriving at "
        f"{float(data['input_rate']):,.0f} records/s."
    )
    growth = {n: g for n, g in charts.backlog_growth(result).items() if g > 0}
    if not growth:
        return text + " Every strategy's workers keep up: no backlog builds."
    parts = [f"{name} {g:,.0f} records/s ({g * 60:,.0f} behind after a minute)" for name, g in growth.items()]
    return text + " At this pace the busiest worker falls behind by " + "; ".join(parts) + "."


def render() -> None:
    st.title("Charts")
    scenario = current_scenario()
    st.page_link(
        page("analyze"),
        label="The scenario comes from Analyze & replay — change it there",
        icon=":material/arrow_back:",
    )
    with st.expander("Query", expanded=False):
        st.code(scenario.sql, language="sql")
    result = run_replay(scenario, key="charts_run_replay")
    if result is None:
        return
    draw(scenario, result)


def draw(scenario: Scenario, result: Any) -> None:
    st.markdown("#### Correct results?")
    verdict_badges(result)

    left, right = st.columns(2, gap="large")
    plotly(left, charts.load_bars(result), "chart_loads")
    plotly(right, charts.shuffle_figure(result), "chart_shuffle")

    skew_section(result)

    left, right = st.columns(2, gap="large")
    plotly(left, charts.throughput_figure(result, scenario.input_rate or None), "chart_throughput")
    smart = charts.smart_hits_figure(result)
    if smart is not None:
        plotly(right, smart, "chart_smart")
        right.caption(
            "Natural hits stay on worker `source_partition % W` (no shuffle); repartition hits are "
            "hashed because smart_repartition could not prove the source aligned with the grouping keys."
        )

    st.caption(backlog_caption(result))
    left, right = st.columns(2, gap="large")
    plotly(left, charts.backlog_figure(result), "chart_backlog")
    plotly(right, charts.backlog_total_figure(result), "chart_backlog_total")

    wrong = wrong_strategies(strategy_items(result))
    routing = call_safely(lambda: hot_key_routing(scenario, result))
    if routing:
        plotly(st, charts.key_worker_heatmap(routing, wrong), "chart_hot_keys")
        st.caption(
            f"Hot keys: the first {SAMPLE_RECORDS:,} records of the same topic, routed by each strategy."
        )
    plotly(st, charts.bucket_heatmap(result), "chart_buckets")
    simulator_details(result, key="charts_simulator")

    st.markdown("#### Export")
    try:
        analysis = runner.analysis(scenario)
    except PartitionLabError:
        analysis = None  # the report then carries the replay without the decision
    export_buttons(scenario, analysis, result, key="charts_export")
