"""Trace replay: a recorded CSV/Parquet trace instead of a synthetic topic."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from dashboard import charts, runner
from dashboard.components import flink_panel
from dashboard.components.errors import call_safely
from dashboard.components.exports import export_buttons
from dashboard.components.replay_panel import simulator_details, skew_section, verdict_badges
from dashboard.components.scenario_inputs import current_scenario, source_key_messages
from dashboard.components.share_box import share_box
from dashboard.components.trace_upload import map_columns, preview, upload_trace
from dashboard.scenario import BOUNDS, TEXT_LIMITS, Scenario

__all__ = ["render"]


def _source_key(scenario: Scenario) -> str | None:
    """This page's own source key field (seeded from Analyze & replay, editable here); None when the
    typed key cannot be read (its error is shown under the field)."""
    if st.session_state.get("_trace_key_from") != scenario.source_key:
        # A new key on Analyze & replay (or a link) seeds this field again; edits here stay until then.
        st.session_state["_trace_key_from"] = scenario.source_key
        st.session_state["trace_source_key"] = scenario.source_key
    text = st.text_input(
        "Source key columns (for this trace)",
        key="trace_source_key",
        max_chars=TEXT_LIMITS["source_key"],
        help="How the recorded topic is keyed: `trades=symbol`, or `symbol` for every source; empty = what "
        "the SQL's DDL says, else unknown. Starts from Analyze & replay's field; changing it here changes "
        "only this page.",
    )
    if not source_key_messages(text, scenario.sql, scenario.dialect, note_key="_trace_key_note"):
        return None
    if text != scenario.source_key:
        st.caption("Differs from the key on Analyze & replay: this trace replay uses the one above.")
    return text


def render() -> None:
    st.title("Trace replay")
    st.markdown(
        "Replay recorded Kafka traffic (one row per record: the partition it was read from, and "
        "optionally key, timestamp, a JSON value or plain data columns) through every strategy, with the "
        "query from Analyze & replay."
    )
    scenario = current_scenario()
    with st.expander("Query", expanded=False):
        st.code(scenario.sql, language="sql")
    source_key = _source_key(scenario)
    if source_key is None:
        return
    scenario = replace(scenario, source_key=source_key)
    share_box(scenario, "trace")
    upload = upload_trace()
    if upload is None:
        st.info(
            "Upload a trace to start, e.g. the output of `kcat -C -t trades -f '%p,%o,%k,%T,%s\\n'` "
            "with a header line."
        )
        return
    head = preview(upload)
    if head is None:
        return
    st.caption("The first rows of the file (shown as text):")
    st.dataframe(head, hide_index=True, width="stretch", height=220)
    mapping = map_columns([str(c) for c in head.columns])
    size, go = st.columns([1, 3], vertical_alignment="bottom")
    workers = size.number_input(
        "Workers", min_value=BOUNDS["workers"][0], max_value=BOUNDS["workers"][1], value=scenario.workers,
        key="trace_workers",
    )
    # The click is remembered, so later reruns (e.g. a chart interaction) keep showing the replay.
    run = (upload.name, hash(upload.content), tuple(sorted(mapping.items())), int(workers))
    clicked = go.button("Replay this trace", key="trace_run", type="primary")
    if not clicked and st.session_state.get("trace_ran") != run:
        return
    st.session_state["trace_ran"] = run
    with st.spinner("Replaying the trace through every strategy…"):
        result = call_safely(
            lambda: runner.replay_trace(replace(scenario, workers=int(workers)), upload.content, upload.name,
                                        mapping),
            scenario.sql,
        )
    if result is None:
        return
    data = result.to_dict()
    st.success(
        f"Replayed {data['records']:,} records from {data['partitions']} source partitions on "
        f"{data['workers']} workers.",
        icon=":material/check_circle:",
    )
    verdict_badges(result)
    left, right = st.columns(2, gap="large")
    left.plotly_chart(charts.load_bars(result), key="trace_loads")
    right.plotly_chart(charts.shuffle_figure(result), key="trace_shuffle")
    skew_section(result)
    left, _ = st.columns(2, gap="large")
    left.plotly_chart(charts.throughput_figure(result, scenario.input_rate or None), key="trace_throughput")
    simulator_details(result, key="trace_simulator")
    flink_panel.render_measure(scenario, upload.name, upload.content, int(workers), result)
    export_buttons(replace(scenario, workers=int(workers)), None, result, key="trace_export")
