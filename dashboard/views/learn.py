"""Learn: a guided tour of small live scenarios (sliders for workers, keys and skew; the chart
answers), ending in the reader's own query; and every strategy explained next to a live example."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

import streamlit as st

from core.strategies import STRATEGY_NAMES
from dashboard import charts, runner
from dashboard.charts.data import result_dict
from dashboard.components.errors import call_safely
from dashboard.components.replay_panel import plotly
from dashboard.examples import routing_example, worker_styler
from dashboard.navigation import page
from dashboard.scenario import URL_PARAMS, Scenario
from dashboard.text import md_escape
from dashboard.tour import LEARN_RECORDS, STRATEGY_NOTES, TOUR, TourStep

__all__ = ["render", "step_scenario", "answer_lines", "SKEWS"]

_STEP = "tour_step"
_FIELDS = {f.name for f in fields(Scenario)}
# The skew slider's stops: a distribution each, in words a newcomer reads.
SKEWS: dict[str, str] = {
    "uniform": "even",
    "zipf:1.1": "mild (Zipf 1.1)",
    "zipf:1.5": "strong (Zipf 1.5)",
    "hot:0.3": "one key has 30 %",
    "hot:0.5": "one key has 50 %",
    "hot:0.8": "one key has 80 %",
}
_KEYS = (3, 10, 100, 1_000, 10_000)


def _move(delta: int) -> None:
    st.session_state[_STEP] = min(max(st.session_state.get(_STEP, 0) + delta, 0), len(TOUR) - 1)


def step_scenario(step: TourStep, **live: Any) -> Scenario:
    """The step's scenario with the reader's slider values, at the Learn page's small record count."""
    values = {k: v for k, v in {**step.scenario, **live}.items() if k in _FIELDS}
    return replace(Scenario(records=LEARN_RECORDS, keys=100, statement=-1), **values)


def _controls(step: TourStep, index: int) -> dict[str, Any]:
    live: dict[str, Any] = {}
    columns = st.columns(len(step.controls)) if step.controls else []
    for column, control in zip(columns, step.controls, strict=True):
        key = f"learn_{index}_{control}"
        if control == "workers":
            live["workers"] = column.slider("Workers", 1, 16, 4, key=key)
        elif control == "keys":
            live["keys"] = column.select_slider("Distinct keys", _KEYS, value=100, key=key)
        elif control == "skew":
            start = str(step.scenario.get("distribution", "uniform"))
            live["distribution"] = column.select_slider(
                "Skew of the keys",
                list(SKEWS),
                value=start if start in SKEWS else "uniform",
                format_func=SKEWS.__getitem__,
                key=key,
            )
    return live


def answer_lines(result: Any) -> list[str]:
    """One line per strategy: how uneven its load is, how much it shuffles, whether it is correct."""
    lines = []
    for name, m in result_dict(result)["strategies"].items():
        ok = "correct" if m["correct"] else "**wrong results**"
        lines.append(
            f"- `{name}`: busiest worker {float(m['max_mean']):.2f}× the mean, "
            f"{100 * float(m['shuffle_fraction']):.0f} % of records cross workers, {ok}"
        )
    return lines


def _answer(scenario: Scenario, key: str) -> None:
    result = call_safely(lambda: runner.replay(scenario), scenario.sql)
    if result is None:
        return
    left, right = st.columns([3, 2], gap="large")
    plotly(left, charts.load_bars(result), key)
    right.markdown(f"**{scenario.records:,} records, {scenario.workers} workers:**")
    right.markdown("\n".join(answer_lines(result)))


def _own_query(index: int) -> dict[str, Any]:
    sql = st.text_area("Your query", value=TOUR[index].scenario.get("sql", ""), key="learn_sql", height=120)
    source_key = st.text_input(
        "The source topic is keyed by (leave empty if unknown)", value="symbol", key="learn_source_key"
    )
    scenario = step_scenario(TOUR[index], sql=sql, source_key=source_key)
    analysis = call_safely(lambda: runner.analysis(scenario), scenario.sql)
    if analysis is not None and analysis.statements:
        decision = analysis.statements[-1].decision
        st.markdown(
            f"The analysis picks **`{decision.strategy}`**, routing by "
            f"**{md_escape(', '.join(decision.routing_keys) or 'nothing')}**."
        )
        for warning in decision.warnings:
            st.warning(md_escape(warning), icon=":material/warning:")
    return {"sql": sql, "source_key": source_key}


def _tour() -> None:
    index = st.session_state.setdefault(_STEP, 0)
    step = TOUR[index]
    st.progress((index + 1) / len(TOUR), text=f"Step {index + 1} of {len(TOUR)}")
    st.markdown(f"### {step.title}")
    st.markdown(step.text)
    typed = _own_query(index) if index == len(TOUR) - 1 else {}
    if step.question:
        st.caption(f"Try it: {step.question}")
    live = {**_controls(step, index), **typed}
    scenario = step_scenario(step, **live)
    _answer(scenario, f"learn_chart_{index}")
    back, forward, go = st.columns([1, 1, 3])
    back.button(
        "Previous",
        icon=":material/arrow_back:",
        on_click=_move,
        args=(-1,),
        disabled=index == 0,
        key="tour_prev",
        width="stretch",
    )
    forward.button(
        "Next",
        icon=":material/arrow_forward:",
        on_click=_move,
        args=(1,),
        disabled=index == len(TOUR) - 1,
        key="tour_next",
        width="stretch",
    )
    if go.button("Open this scenario in Analyze & replay", key="tour_open", type="primary"):
        values = {**step.scenario, **live}
        for key, value in values.items():
            if key in URL_PARAMS:
                st.session_state[key] = value
        # The parameters make the opened scenario a shareable link straight away.
        params = {k: str(v) for k, v in values.items() if k in URL_PARAMS}
        st.switch_page(page("analyze"), query_params=params)


def _strategies() -> None:
    records_col, partitions_col, workers_col = st.columns(3)
    records = records_col.slider("Records", 6, 24, 12, key="learn_example_records")
    partitions = partitions_col.slider("Source partitions", 1, 8, 4, key="learn_example_partitions")
    workers = workers_col.slider("Workers", 1, 6, 3, key="learn_example_workers")
    st.markdown(
        f"{records} records of a topic with {partitions} partitions, keyed by `symbol` (Kafka's murmur2 "
        f"partitioner), routed to {workers} workers by each strategy — computed live by the same code "
        "the replay uses."
    )
    table = call_safely(lambda: routing_example(records=records, partitions=partitions, workers=workers))
    if table is None:
        return
    st.dataframe(worker_styler(table), hide_index=True, width="stretch", height=35 * (len(table) + 1) + 3)
    left, right = st.columns([2, 3], gap="large")
    plotly(left, charts.example_figure(table), "learn_example")
    with right:
        for name in STRATEGY_NAMES:
            st.markdown(f"**`{name}`** — {STRATEGY_NOTES[name]}")


def render() -> None:
    st.title("Learn the strategies")
    tour, strategies = st.tabs(["Guided tour", "Each strategy, live"])
    with tour:
        _tour()
    with strategies:
        _strategies()
