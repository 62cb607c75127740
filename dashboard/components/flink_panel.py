"""Real Flink from the dashboard: "Check with Flink" on the analysis, "Measure with Flink" on a trace replay.

Both start a JVM (~15 s or more), so they run only on a click, inside ``st.status``, and their answers
are cached (``st.cache_data``) by the SQL text (and the trace's digest and workers). Without the
``flink`` extra each shows the one-line install hint instead of its button. Widget keys:
``flink_check``, ``flink_measure``.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Any

import streamlit as st

import core.flink as flink
from core.errors import PartitionLabError
from core.flink import INSTALL_HINT
from dashboard.charts.data import result_dict
from dashboard.components.errors import call_safely
from dashboard.components.flink_tables import (
    loads_figure,
    loads_frame,
    simulated_loads,
    verify_frame,
    verify_summary,
)
from dashboard.scenario import Scenario
from dashboard.text import md_escape

__all__ = ["flink_unavailable", "render_check", "render_measure"]

_CHECKED = "flink_checked_sql"
_MEASURED = "flink_measured_run"


def flink_unavailable() -> str | None:
    """None when PyFlink can run here, else the one line saying how to install it (nothing is imported)."""
    try:
        flink.require_flink()
    except PartitionLabError:
        return f"Real Flink checks need the `flink` extra: `{INSTALL_HINT}`"
    return None


@st.cache_data(max_entries=16, show_spinner=False)
def _verify(sql: str) -> dict[str, Any]:
    return flink.verify_sql(sql, "flink")


def render_check(scenario: Scenario) -> None:
    """The "Check with Flink" button and, once clicked for this SQL, Flink's plan beside ours."""
    st.markdown("#### Check with Flink")
    if scenario.dialect != "flink":
        st.caption("Flink's own planner reads Flink SQL: choose the flink dialect to compare its plan.")
        return
    hint = flink_unavailable()
    if hint:
        st.caption(hint)
        return
    clicked = st.button("Check with Flink", key="flink_check",
                        help="Explain every statement with Apache Flink's planner (a local JVM, ~15 s) "
                             "and compare its exchanges with Partition Lab's plan.")
    if not clicked and st.session_state.get(_CHECKED) != scenario.sql:
        return
    with st.status("Asking Flink's planner (starting a JVM, ~15 s)…", expanded=False) as status:
        report = call_safely(lambda: _verify(scenario.sql), scenario.sql)
        if report is None:
            status.update(label="Flink could not check this script", state="error", expanded=True)
            st.session_state.pop(_CHECKED, None)
            return
        agree, total = verify_summary(report)
        status.update(label=f"Flink {report['flink_version']}: {agree} of {total} statements agree",
                      state="complete")
    st.session_state[_CHECKED] = scenario.sql
    _show_report(report)


def _show_report(report: dict[str, Any]) -> None:
    for note in report.get("substituted_sources") or ():
        st.caption(f"note: {md_escape(str(note))}")
    for statement in report["statements"]:
        agree = bool(statement["agree"])
        st.markdown(f"**Statement {statement['index'] + 1}**")
        icon = ":material/check_circle:" if agree else ":material/cancel:"
        st.badge("agree" if agree else "differ", icon=icon, color="green" if agree else "red")
        st.dataframe(verify_frame(statement), hide_index=True, width="stretch")
        for note in statement.get("notes") or ():
            st.caption(md_escape(str(note)))


@st.cache_data(max_entries=4, show_spinner=False)
def _measure(sql: str, digest: str, name: str, workers: int, _content: bytes) -> dict[str, Any]:
    suffix = ".parquet" if name.lower().endswith(".parquet") else ".csv"
    with tempfile.TemporaryDirectory(prefix="partition-lab-flink-") as folder:
        path = Path(folder) / f"trace{suffix}"
        path.write_bytes(_content)
        try:
            return flink.measure_flink(sql, str(path), workers, timeout_s=300).to_dict()
        except PartitionLabError as error:
            # Messages name the file: the upload's name, never this server's temporary path.
            message = str(error).replace(str(path), name).replace(folder, "")
            raise type(error)(message) from None


def render_measure(scenario: Scenario, name: str, content: bytes, workers: int, result: Any) -> None:
    """"Measure with Flink": the statement as a real Flink job over the uploaded trace, its per-subtask
    ``numRecordsIn`` beside the replay's simulated loads."""
    st.markdown("#### Measure with Flink")
    if scenario.dialect != "flink":
        st.caption("A Flink job runs Flink SQL: choose the flink dialect on Analyze & replay to measure it.")
        return
    hint = flink_unavailable()
    if hint:
        st.caption(hint)
        return
    digest = hashlib.sha256(content).hexdigest()
    run = (scenario.sql, digest, workers)
    st.caption("Runs the query as a Flink job on a local mini-cluster over this file (its own column "
               "names are the table's columns), reads each keyed operator's records per subtask, then "
               "cancels the job.")
    clicked = st.button("Measure with Flink", key="flink_measure")
    if not clicked and st.session_state.get(_MEASURED) != run:
        return
    with st.status(f"Running a Flink job on {workers} subtasks (a JVM, ~15–60 s)…", expanded=False) as status:
        measured = call_safely(lambda: _measure(scenario.sql, digest, Path(name).name, workers, content),
                               scenario.sql)
        if measured is None:
            status.update(label="The Flink job could not be measured", state="error", expanded=True)
            st.session_state.pop(_MEASURED, None)
            return
        status.update(label="Flink job measured and cancelled", state="complete")
    st.session_state[_MEASURED] = run
    data = result_dict(result)
    simulated = simulated_loads(data)
    stages = measured.get("stages") or []
    if simulated is not None and stages and list(stages[0]["loads"]) == simulated:
        st.success("Flink's measured loads equal the simulated always_hash loads, subtask for subtask.",
                   icon=":material/check_circle:")
    elif simulated is not None and stages:
        engine = data.get("engine") or "the dialect's engine"
        st.warning(f"Flink's measured loads differ from the simulation (engine {md_escape(str(engine))}).",
                   icon=":material/warning:")
    for n, stage in enumerate(stages):
        st.caption(f"Flink stage {n + 1}: {md_escape(str(stage['vertex']))}")
    st.dataframe(loads_frame(measured, simulated), hide_index=True, width="stretch")
    st.plotly_chart(loads_figure(measured, simulated), key="flink_measured_loads")
