"""Analyze & replay (the default page): query in, decision and every strategy's replay out."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard import runner
from dashboard.components import analysis_panel, flink_panel, replay_panel
from dashboard.components.errors import call_safely
from dashboard.components.exports import export_buttons
from dashboard.components.pipeline_panel import render_pipeline
from dashboard.components.replay_inputs import distribution_problem, replay_inputs
from dashboard.components.scenario_inputs import LINKED_TREE, analysis_inputs
from dashboard.components.share_box import share_box
from dashboard.samples import sample_by_name
from dashboard.scenario import DEFAULTS, Scenario, linked_sql, sanitized_numbers

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


def _restore_link() -> None:
    """Once per session, what a link carries beyond the bound widgets: the SQL as a sample's name or
    deflated (seeded where the SQL widget reads the URL), an uploaded tree, the statement."""
    if st.session_state.get(_RESTORED):
        return
    st.session_state[_RESTORED] = True
    params = st.query_params.to_dict()
    ctx = get_script_run_ctx()
    state = getattr(getattr(ctx, "session_state", None), "_state", None)
    initial = getattr(getattr(state, "query_params", None), "_initial_query_params", None)
    if "sql" not in params and isinstance(initial, dict):
        for name, value in linked_sql(params).items():
            initial.setdefault(name, [value])
        sample = sample_by_name(str(params.get("sample", "")))
        if sample is not None and "sqlz" not in params:
            st.session_state["sample"] = sample.title
    linked = Scenario.from_mapping(params)
    if linked.tree_text:
        st.session_state[LINKED_TREE] = (linked.tree_text, linked.tree_name)
    if linked.statement >= 0:
        st.session_state["statement"] = linked.statement


_RESTORED = "_link_restored"


def _engine() -> str:
    """The engine a widget keyed ``engine`` (the pipeline panel's) or the link chose; "" = the dialect's."""
    raw = st.session_state.get("engine", st.query_params.get("engine", ""))
    return Scenario.from_mapping({"engine": str(raw or "")}).engine


def render() -> None:
    st.title("Partition Lab")
    st.caption(
        "How should this streaming query's records be spread over parallel workers — and what happens "
        "to load, skew, throughput and correctness with every other choice?"
    )
    _clamp_url_numbers()
    _restore_link()
    values = analysis_inputs()
    typed = st.session_state.get("distribution", st.query_params.get("distribution", DEFAULTS.distribution))
    bad_distribution = distribution_problem(str(typed)) is not None
    # Open when a field inside has an error, so the message shows next to its input.
    with st.expander("Replay settings (synthetic Kafka topic)", expanded=bad_distribution):
        values.update(replay_inputs())
    scenario = Scenario(**values, engine=_engine())

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
    # The last statement is the default: a link names the statement only when another one is picked.
    shared = replace(scenario, statement=-1) if index == len(result.statements) - 1 else scenario
    share_box(shared, "analyze", also=("charts",))
    st.divider()
    left, right = st.columns(2, gap="large")
    with left:
        presets = result.presets[index] if index < len(result.presets) else {}
        sources = result.sources[index] if index < len(result.sources) else {}
        analysis_panel.render_decision(statement, presets, sources)
        analysis_panel.render_profile(statement)
        analysis_panel.render_sources(sources, result.catalog)
    with right:
        analysis_panel.render_path(statement)
        analysis_panel.render_presets(result.presets[index] if index < len(result.presets) else {})
    analysis_panel.render_tree(statement, tree)
    render_pipeline(scenario, result, index)
    flink_panel.render_check(scenario)

    st.divider()
    if distribution_problem(scenario.distribution):
        st.info("The replay waits for a key distribution it can read: see the message under Key "
                "distribution in Replay settings above.", icon=":material/arrow_upward:")
        replay = None
    else:
        replay = replay_panel.render_replay(scenario)
    st.markdown("#### Export")
    export_buttons(scenario, result, replay)
