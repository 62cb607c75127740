"""The pipeline panel: the script's operators and exchanges under a chosen engine, the single-routing
answer beside them, and (after "Replay stages") each stage's per-worker load.

Widget keys: ``engine`` (the page's engine), ``pipeline_replay``, ``pipeline_stage``.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.budget import DASHBOARD
from core.engines import ENGINE_NAMES, engine_for_dialect
from dashboard import runner
from dashboard.charts.pipeline import pipeline_figure, pipeline_graph, stage_loads_figure, stage_rows
from dashboard.colors import STREAMLIT_NAMED
from dashboard.components.errors import call_safely
from dashboard.scenario import Scenario
from dashboard.text import md_escape

__all__ = ["render_pipeline", "STAGE_RECORDS", "stage_replay"]

# Records of the stage replay behind the colouring: enough for stable loads, quick on a shared server.
STAGE_RECORDS = 100_000
_REPLAYS = "pipeline_replays"


@st.cache_data(max_entries=32, show_spinner=False)
def _analysis(scenario: Scenario, engine: str) -> Any:
    from core import analyze

    return analyze(scenario.sql, dialect=scenario.dialect, engine=engine, tree=runner.tree_source(scenario),
                   source_keys=scenario.source_keys, source_partitions=scenario.partitions,
                   strategy=scenario.strategy_override)


@st.cache_data(max_entries=16, show_spinner=False)
def stage_replay(scenario: Scenario, engine: str, statement: int) -> list[dict[str, Any]] | None:
    """The stages of a small replay of ``statement`` under ``engine`` (None: this replay reports none)."""
    from core.simulation import SimulationConfig, simulate

    config = SimulationConfig(records=min(scenario.records, STAGE_RECORDS), partitions=scenario.partitions,
                              workers=scenario.workers, keys=scenario.keys,
                              distribution=scenario.distribution, producer=scenario.producer_override,
                              seed=scenario.seed, engine=engine)
    result = simulate(scenario.sql, dialect=scenario.dialect, tree=runner.tree_source(scenario),
                      source_keys=scenario.source_keys, source_partitions=scenario.partitions,
                      config=config, statement=statement, strategy=scenario.strategy_override,
                      engine=engine, budget=DASHBOARD)
    stages = result.to_dict().get("stages")
    return list(stages) if stages is not None else None


def _engine_picker(scenario: Scenario, default: str) -> str:
    """The page's engine (widget key ``engine``: the analysis above and the share link read it too)."""
    names = ["", *ENGINE_NAMES]
    index = names.index(scenario.engine) if scenario.engine in names else 0
    chosen = st.selectbox(
        "Engine", names, index=index, key="engine",
        format_func=lambda name: name or f"{default} (the dialect's)",
        help="Whose planner decides where the exchanges go (and whose hash the replays use). "
             "The default follows the SQL dialect.",
    )
    return str(chosen or default)


def _single_routing(statement: Any) -> None:
    d = statement.decision
    st.markdown("##### Single routing")
    st.caption("The seed design's model: records are routed once and every worker runs the whole statement.")
    st.markdown(f"**:{STREAMLIT_NAMED.get(d.strategy, 'gray')}[{d.strategy}]**")
    keys = ", ".join(d.routing_keys)
    st.markdown(f"Routing keys: {md_escape(keys)}" if keys else "Routing keys: none")
    plan = statement.plan
    if plan is not None:
        shuffles = len(plan.exchanges)
        st.markdown(
            f"The engine's plan instead re-distributes **{shuffles}** time{'s' if shuffles != 1 else ''}"
            + (" (one exchange per operator input it cannot reuse)." if shuffles else ": no exchange needed.")
        )


def _stages_for(scenario: Scenario, engine: str, statement: int) -> list[dict[str, Any]] | None:
    return st.session_state.get(_REPLAYS, {}).get((scenario, engine, statement))


def render_pipeline(scenario: Scenario, result: Any, statement: int) -> None:
    """The panel for ``result`` (core's AnalysisResult of ``scenario``); ``statement`` is the one shown."""
    st.markdown("#### Pipeline")
    engine = _engine_picker(scenario, engine_for_dialect(scenario.dialect))
    analysis = result if engine == getattr(result, "engine", None) else call_safely(
        lambda: _analysis(scenario, engine), scenario.sql)
    if analysis is None:
        return
    index = min(max(statement, 0), len(analysis.statements) - 1)
    stages = _stages_for(scenario, engine, index)
    graph = pipeline_graph(analysis, stages, index)
    left, right = st.columns([3, 1], gap="medium")
    with left:
        st.plotly_chart(pipeline_figure(graph, f"Pipeline under {engine}"), key="pipeline_chart",
                        config={"scrollZoom": True, "displaylogo": False})
        st.caption(
            "Circles read a source (its catalog key under the name), diamonds are exchanges "
            "(kind and keys), squares write a sink. Hover or tap a node for details; drag to pan, "
            "pinch or scroll to zoom. Statements of a script follow each other top to bottom."
            + ("" if stages else " Replay the stages to colour each exchange by its skew (max/mean).")
        )
    with right:
        _single_routing(analysis.statements[index])
    _replay_controls(scenario, engine, index, stages, graph)


def _replay_controls(scenario: Scenario, engine: str, index: int, stages: list[dict[str, Any]] | None,
                     graph: Any) -> None:
    records = min(scenario.records, STAGE_RECORDS)
    if st.button(f"Replay stages ({records:,} records, {scenario.workers} workers)", key="pipeline_replay",
                 help="Replays the statement stage by stage under this engine and colours each exchange "
                      "by its skew."):
        # A tuple, so that "no stages reported" (None inside) differs from "failed" (None).
        answer = call_safely(lambda: (stage_replay(scenario, engine, index),), scenario.sql)
        if answer is None:
            return
        stages = answer[0]
        st.session_state.setdefault(_REPLAYS, {})[(scenario, engine, index)] = stages if stages is not None \
            else []
        st.rerun()
    if stages is None:
        return
    if not stages:
        st.info("This replay reported no per-stage loads for the statement.")
        return
    rows = stage_rows(graph)
    if not rows:
        st.info("The replayed stages did not match an exchange of this plan.")
        return
    st.dataframe(rows, hide_index=True, width="stretch",
                 column_config={"records in": st.column_config.NumberColumn(format="localized"),
                                "busiest worker": st.column_config.NumberColumn(format="localized")})
    labels = {r["node"]: r["stage"] for r in rows}
    chosen = st.selectbox("Stage", list(labels), format_func=lambda n: labels[n], key="pipeline_stage")
    st.plotly_chart(stage_loads_figure(graph.node(chosen)), key="pipeline_stage_chart")
