"""Learn: every strategy explained next to a live example, and a guided tour for teaching demos."""

from __future__ import annotations

import streamlit as st

from core.strategies import STRATEGY_NAMES
from dashboard.charts import example_figure
from dashboard.components.errors import call_safely
from dashboard.examples import routing_example, worker_styler
from dashboard.navigation import page
from dashboard.scenario import URL_PARAMS
from dashboard.tour import STRATEGY_NOTES, TOUR

__all__ = ["render"]

_STEP = "tour_step"


def _move(delta: int) -> None:
    st.session_state[_STEP] = min(max(st.session_state.get(_STEP, 0) + delta, 0), len(TOUR) - 1)


def _open_scenario(values: dict[str, object]) -> None:
    for key, value in values.items():
        if key in URL_PARAMS:
            st.session_state[key] = value


def _tour() -> None:
    index = st.session_state.setdefault(_STEP, 0)
    step = TOUR[index]
    st.progress((index + 1) / len(TOUR), text=f"Step {index + 1} of {len(TOUR)}")
    st.markdown(f"### {step.title}")
    st.markdown(step.text)
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
    if step.scenario and go.button("Open this scenario in Analyze & replay", key="tour_open", type="primary"):
        _open_scenario(step.scenario)
        # The parameters make the opened scenario a shareable link straight away.
        params = {k: str(v) for k, v in step.scenario.items() if k in URL_PARAMS}
        st.switch_page(page("analyze"), query_params=params)


def _strategies() -> None:
    st.markdown(
        "Twelve records of a topic with 4 partitions, keyed by `symbol` (Kafka's murmur2 partitioner), "
        "routed to 3 workers by each strategy — computed live by the same code the replay uses."
    )
    table = call_safely(routing_example)
    if table is None:
        return
    st.dataframe(worker_styler(table), hide_index=True, width="stretch", height=35 * (len(table) + 1) + 3)
    left, right = st.columns([2, 3], gap="large")
    left.plotly_chart(example_figure(table), key="learn_example")
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
