"""Charts: every strategy's load, skew, throughput, backlog, hot keys and correctness side by side."""

from __future__ import annotations

import streamlit as st

from core.errors import PartitionLabError
from dashboard import charts, runner
from dashboard.components.errors import call_safely
from dashboard.components.exports import export_buttons
from dashboard.components.replay_panel import run_replay, verdict_badges
from dashboard.components.scenario_inputs import current_scenario
from dashboard.hotkeys import SAMPLE_RECORDS, hot_key_routing
from dashboard.navigation import page

__all__ = ["render"]


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
    st.markdown("#### Correct results?")
    verdict_badges(result)

    left, right = st.columns(2, gap="large")
    left.plotly_chart(charts.load_bars(result), key="chart_loads")
    right.plotly_chart(charts.shuffle_figure(result), key="chart_shuffle")

    st.markdown("#### Skew metrics")
    st.dataframe(charts.metrics_frame(result, verdict=False), hide_index=True, width="stretch")

    left, right = st.columns(2, gap="large")
    left.plotly_chart(charts.throughput_figure(result), key="chart_throughput")
    right.plotly_chart(charts.measured_figure(result), key="chart_measured")

    smart = charts.smart_hits_figure(result)
    if smart is not None:
        left, right = st.columns(2, gap="large")
        left.plotly_chart(smart, key="chart_smart")
        right.caption(
            "Natural hits stay on worker `source_partition % W` (no shuffle); repartition hits are "
            "hashed because smart_repartition could not prove the source aligned with the grouping keys."
        )

    left, right = st.columns(2, gap="large")
    left.plotly_chart(charts.backlog_figure(result), key="chart_backlog")
    right.plotly_chart(charts.backlog_total_figure(result), key="chart_backlog_total")

    routing = call_safely(lambda: hot_key_routing(scenario, result))
    if routing:
        st.plotly_chart(charts.key_worker_heatmap(routing), key="chart_hot_keys")
        st.caption(
            f"Hot keys: the first {SAMPLE_RECORDS:,} records of the same topic, routed by each strategy."
        )
    st.plotly_chart(charts.bucket_heatmap(result), key="chart_buckets")

    st.markdown("#### Export")
    try:
        analysis = runner.analysis(scenario)
    except PartitionLabError:
        analysis = None  # the report then carries the replay without the decision
    export_buttons(scenario, analysis, result, key="charts_export")
