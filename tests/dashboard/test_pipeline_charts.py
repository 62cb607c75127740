"""The pipeline picture's pure builders: nodes and edges from the plan, colours from stage skew,
per-worker loads in the hover."""

from __future__ import annotations

from pathlib import Path

import pytest

from core import analyze
from dashboard.charts.pipeline import (
    HOVER_WORKERS,
    loads_hover,
    pipeline_figure,
    pipeline_graph,
    stage_loads_figure,
    stage_rows,
)

SAMPLES = Path(__file__).resolve().parents[2] / "sample_queries"
JOIN_THEN_GROUP_BY = (SAMPLES / "flink_orders_ddl_join_then_group_by.sql").read_text()
PIPELINE = (SAMPLES / "spark_databricks_orders_pipeline.sql").read_text()


@pytest.fixture(scope="module")
def join_analysis():  # type: ignore[no-untyped-def]
    return analyze(JOIN_THEN_GROUP_BY, dialect="flink")


def _stages(**overrides: object) -> list[dict[str, object]]:
    """Stages as simulate's contract has them: the join's (on customer_id) and the aggregate's."""
    join = {"to": 2, "kind": "hash", "keys": ["customer_id"], "records_in": 100, "loads": [10, 20, 30, 40],
            "max_mean": 1.6}
    agg = {"to": 3, "kind": "hash", "keys": ["region"], "records_in": 40, "loads": [10, 10, 10, 10],
           "max_mean": 1.0}
    join.update(overrides)
    return [join, agg]


def test_join_then_group_by_draws_every_operator_and_exchange(join_analysis) -> None:  # type: ignore[no-untyped-def]
    plan = join_analysis.statements[0].plan
    assert len(plan.exchanges) >= 2  # the join's shuffle(s) and the GROUP BY's
    graph = pipeline_graph(join_analysis)
    operators = [n for n in graph.nodes if n.role == "operator"]
    exchanges = [n for n in graph.nodes if n.role == "exchange"]
    assert [n.kind for n in operators] == ["source", "source", "join", "aggregate", "sink"]
    assert len(exchanges) == len(plan.exchanges) == 3
    # A forward edge per operator input without an exchange, two edges through each exchange.
    inputs = sum(len(op.inputs) for op in plan.operators)
    assert len(graph.edges) == inputs + len(plan.exchanges) == 7
    assert ("s0:ex2", "s0:op3") in graph.edges and ("s0:op2", "s0:ex2") in graph.edges
    assert graph.node("s0:ex2").label == "⇄ hash(region)"
    # Sources carry the catalog's key; top-to-bottom ranks follow the data.
    assert "key (customer_id)" in graph.node("s0:op0").label
    assert "key (id)" in graph.node("s0:op1").label
    ranks = [graph.node(f"s0:op{i}").rank for i in (0, 2, 3, 4)]
    assert ranks == sorted(ranks) and len(set(ranks)) == 4


def test_figure_has_one_marker_per_node_and_an_arrow_per_edge(join_analysis) -> None:  # type: ignore[no-untyped-def]
    graph = pipeline_graph(join_analysis)
    fig = pipeline_figure(graph).to_dict()
    assert sum(len(t["x"]) for t in fig["data"]) == len(graph.nodes) == 8
    assert len(fig["layout"]["annotations"]) == len(graph.edges)
    assert all(t["textfont"]["size"] >= 12 for t in fig["data"])


def test_colours_follow_each_stage_max_mean(join_analysis) -> None:  # type: ignore[no-untyped-def]
    graph = pipeline_graph(join_analysis, _stages(max_mean=2.5), 0)
    assert graph.node("s0:ex0").max_mean == 2.5 and graph.node("s0:ex2").max_mean == 1.0
    fig = pipeline_figure(graph).to_dict()
    replayed = next(t for t in fig["data"] if t["name"] == "replayed")
    colours = dict(zip(replayed["customdata"], replayed["marker"]["color"], strict=True))
    assert colours["s0:ex0"] == 2.5 and colours["s0:ex2"] == 1.0
    assert replayed["marker"]["cmin"] == 1.0 and replayed["marker"]["cmax"] == 2.5
    assert replayed["marker"]["showscale"] is True
    idle = next(t for t in fig["data"] if t["name"] == "not replayed")
    assert "s0:op3" in idle["customdata"]


def test_without_stages_nothing_is_coloured(join_analysis) -> None:  # type: ignore[no-untyped-def]
    graph = pipeline_graph(join_analysis, None)
    assert graph.stages_matched == 0 and not stage_rows(graph)
    fig = pipeline_figure(graph).to_dict()
    assert [t["name"] for t in fig["data"]] == ["not replayed"]


def test_hover_lists_every_workers_records_in(join_analysis) -> None:  # type: ignore[no-untyped-def]
    graph = pipeline_graph(join_analysis, _stages(loads=[1_234, 20, 30, 40]), 0)
    hover = graph.node("s0:ex0").hover
    for line in ("worker 0: 1,234", "worker 1: 20", "worker 2: 30", "worker 3: 40"):
        assert line in hover
    assert "max/mean 1.60" in hover
    fig = pipeline_figure(graph).to_dict()
    replayed = next(t for t in fig["data"] if t["name"] == "replayed")
    assert any("worker 0: 1,234" in h for h in replayed["hovertext"])


def test_hover_summarises_many_workers() -> None:
    loads = list(range(100))
    text = loads_hover(loads)
    lines = text.split("<br>")
    assert len(lines) == HOVER_WORKERS // 2 + 1  # the heaviest, then the summary line
    assert text.startswith("worker 99: 99") and "92 more workers; min 0, median 50" in text


def test_stage_without_an_exchange_colours_its_operator(join_analysis) -> None:  # type: ignore[no-untyped-def]
    stages = [{"to": 4, "kind": "forward", "keys": [], "records_in": 8, "loads": [2, 6], "max_mean": 1.5}]
    graph = pipeline_graph(join_analysis, stages, 0)
    assert graph.node("s0:op4").max_mean == 1.5 and graph.stages_matched == 1


def test_multi_statement_script_is_one_graph_linked_by_tables() -> None:
    analysis = analyze(PIPELINE, dialect="spark")
    graph = pipeline_graph(analysis)
    assert {n.statement for n in graph.nodes} == {0, 1, 2}
    # bronze_orders written by #1 is read (as LIVE.bronze_orders) by #2, silver by #3.
    assert graph.links == (("s0:op1", "s1:op0"), ("s1:op1", "s2:op0"))
    last = max(n.rank for n in graph.nodes if n.statement == 0)
    assert all(n.rank > last for n in graph.nodes if n.statement == 1)
    fig = pipeline_figure(graph).to_dict()
    assert len(fig["layout"]["annotations"]) == len(graph.edges) + len(graph.links)


def test_stages_colour_only_the_replayed_statement() -> None:
    analysis = analyze(PIPELINE, dialect="spark")
    stages = [{"to": 1, "kind": "hash", "keys": ["customer_id"], "records_in": 4, "loads": [1, 3],
               "max_mean": 1.5}]
    graph = pipeline_graph(analysis, stages, 2)
    coloured = [n.id for n in graph.nodes if n.max_mean is not None]
    assert coloured == ["s2:ex0"]


def test_user_names_stay_text() -> None:
    analysis = analyze('SELECT "<b>x</b>", COUNT(*) FROM t GROUP BY "<b>x</b>"')
    graph = pipeline_graph(analysis)
    assert all("<b>x" not in n.label for n in graph.nodes)
    # Escaped before wrapping: no entity is cut in two by a line break.
    assert "⇄ hash(&lt;b&gt;x&lt;/b&gt;)" in [n.label for n in graph.nodes]
    assert all("&<br>" not in n.label for n in graph.nodes)


def test_stage_loads_figure_shows_the_heaviest_workers() -> None:
    analysis = analyze(JOIN_THEN_GROUP_BY, dialect="flink")
    loads = list(range(200))
    graph = pipeline_graph(analysis, _stages(loads=loads, max_mean=1.99), 0)
    fig = stage_loads_figure(graph.node("s0:ex0"), top=64).to_dict()
    bars = fig["data"][0]
    assert len(bars["x"]) == 64 and bars["x"][0] == "w199" and max(bars["y"]) == 199
    rows = stage_rows(graph)
    assert {r["node"] for r in rows} >= {"s0:ex0", "s0:ex2"}


def test_a_real_replay_colours_every_exchange_with_its_own_stage(join_analysis) -> None:  # type: ignore[no-untyped-def]
    # simulate's own stages (not contract-shaped fixtures): each exchange of the join-then-GROUP BY
    # gets the max/mean and the per-worker loads of the stage that replayed it.
    from core import SimulationConfig, simulate

    result = simulate(JOIN_THEN_GROUP_BY, dialect="flink",
                      config=SimulationConfig(records=3_000, workers=4, keys=50, seed=3))
    stages = result.to_dict()["stages"]
    assert len(stages) >= 2
    graph = pipeline_graph(join_analysis, stages, len(join_analysis.statements) - 1)
    assert graph.stages_matched == len(stages)
    coloured = [n for n in graph.nodes if n.max_mean is not None]
    assert {round(n.max_mean, 9) for n in coloured} <= {round(s["max_mean"], 9) for s in stages}
    assert {tuple(s["loads"]) for s in stages} == {n.loads for n in coloured}
