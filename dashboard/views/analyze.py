"""Analyze & replay (the default page): query in, decision and every strategy's replay out."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard import runner
from dashboard.components import analysis_panel, replay_panel
from dashboard.components.errors import call_safely
from dashboard.components.exports import export_buttons
from dashboard.components.pipeline_panel import render_pipeline
from dashboard.components.replay_inputs import replay_inputs
from dashboard.components.scenario_inputs import analysis_inputs
from dashboard.scenario import Scenario, sanitized_numbers

__all__ = ["render"]


def _clamp_url_numbers() -> None:
    """Clamp a link's numbers before the bound widgets parse them: Streamlit 1.67's number_input
    raises OverflowError on ``?records=inf`` or ``1e400`` while seeding itself from the URL. The
    widgets seed from the session's snapshot of the initial URL, so the fix goes there too."""
    fixes = sanitized_numbers(st.query_params.to_dict())
    if not fixes:
        return
    ctx = get_script_run_ctx()
    state = getattr(getattr(ctx, "session_state", None), "_state", None)
    initial = getattr(getattr(state, "query_params", None), "_initial_query_params", None)
    for name, value in fixes.items():
        if isinstance(initial, dict) and name in initial:
            initial[name] = [value]


def render() -> None:
    st.title("Partition Lab")
    st.caption(
        "How should this streaming query's records be spread over parallel workers — and what happens "
        "to load, skew, throughput and correctness with every other choice?"
    )
    _clamp_url_numbers()
    values = analysis_inputs()
    with st.expander("Replay settings (synthetic Kafka topic)", expanded=False):
        values.update(replay_inputs())
    scenario = Scenario(**values)

    if not scenario.sql.strip():
        st.info("Type a streaming SQL query above, or pick a sample.")
        return
    result = call_safely(lambda: runner.analysis(scenario), scenario.sql)
    tree = call_safely(lambda: runner.decision_tree(scenario)) if result is not None else None
    if result is None or tree is None:
        return

    index = analysis_panel.statement_picker(result)
    statement = result.statements[index]
    scenario = replace(scenario, statement=index)
    st.session_state["scenario"] = scenario  # the Charts page replays the same scenario
    st.divider()
    left, right = st.columns(2, gap="large")
    with left:
        analysis_panel.render_decision(statement)
        analysis_panel.render_profile(statement)
    with right:
        analysis_panel.render_path(statement)
        analysis_panel.render_presets(result.presets[index] if index < len(result.presets) else {})
    analysis_panel.render_tree(statement, tree)
    render_pipeline(scenario, result, index)

    st.divider()
    replay = replay_panel.render_replay(scenario)
    st.markdown("#### Export")
    export_buttons(scenario, result, replay)
