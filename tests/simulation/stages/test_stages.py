"""Stage-by-stage replay of a statement's plan: invariants, engines, joins, errors, CLI."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.cli import main
from core.decide.api import analyze
from core.engines import EngineSettings, get_engine
from core.errors import InvalidConfigError, PartitionLabError
from core.simulation import SimulationConfig, simulate
from core.simulation.stages import plan_sources, run_stages, stage_replay
from core.workload.schema import ColumnSpec, WorkloadSchema
from core.workload.synthetic import TopicSpec, generate

SAMPLE = Path(__file__).resolve().parents[3] / "sample_queries" / "flink_orders_ddl_join_then_group_by.sql"
JOIN_GROUP = SAMPLE.read_text()
JOIN_ONLY = "SELECT a.k, b.v FROM a JOIN b ON a.k = b.k"
SMALL = SimulationConfig(records=3000, keys=60, processes=0, batch_size=700)


def _replay(sql: str, dialect: str = "flink", **options: object):
    a = analyze(sql, dialect=dialect)
    stmt = a.statements[-1]
    defaults = dict(records=2000, partitions=4, keys=50, distribution="uniform", producer=None, seed=0,
                    batch_size=500, match_rate=1.0)
    workers = int(options.pop("workers", 4))  # type: ignore[call-overload]
    defaults.update(options)
    staged = plan_sources(stmt, a.catalog, **defaults)  # type: ignore[arg-type]
    assert staged is not None
    config = SimulationConfig(records=int(defaults["records"]), workers=workers, processes=0,  # type: ignore[call-overload]
                              engine=a.engine)
    replayed, _ = run_stages(staged, [], config, engine=a.engine, settings=EngineSettings())
    return replayed


def test_join_then_group_by_on_other_keys_is_two_hash_stages_with_their_keys() -> None:
    r = _replay(JOIN_GROUP)
    assert [(s.to, s.kind, s.keys, s.operator) for s in r.stages] == [
        (2, "hash", ("customer_id",), "join"), (2, "hash", ("id",), "join"),
        (3, "hash", ("region",), "aggregate")]
    # The join stage reads both inputs: every record of each source crosses its exchange once.
    join = [s for s in r.stages if s.to == 2]
    assert sum(s.records_in for s in join) == sum(r.source_records.values()) == 4000
    # customers is keyed by its primary key: each order matches one version → one row per order,
    # and the aggregate reads the join's rows, which carry the customer's region.
    assert r.stages[2].records_in == 2000 and r.stages[2].note is None
    assert 1 < r.stages[2].distinct_keys <= 50


def test_match_rate_controls_how_many_join_rows_feed_the_next_stage() -> None:
    full = _replay(JOIN_GROUP, records=5000)
    some = _replay(JOIN_GROUP, records=5000, match_rate=0.3)
    assert full.stages[2].records_in == 5000
    assert 0.2 * 5000 < some.stages[2].records_in < 0.4 * 5000


@settings(max_examples=12, deadline=None)
@given(records=st.integers(1, 1500), workers=st.integers(1, 9), batch=st.integers(1, 900),
       keys=st.integers(1, 80), rate=st.floats(0, 1), seed=st.integers(0, 2**16),
       dist=st.sampled_from(["uniform", "zipf:1.2", "hot:0.5"]))
def test_every_record_routed_once_per_stage(records: int, workers: int, batch: int, keys: int, rate: float,
                                            seed: int, dist: str) -> None:
    r = _replay(JOIN_GROUP, records=records, batch_size=batch, keys=keys, match_rate=rate, seed=seed,
                distribution=dist, workers=workers)
    for s in r.stages:
        assert len(s.loads) == workers and min(s.loads) >= 0
        assert sum(s.loads) == s.records_in  # loads sum to the stage's records in
    assert [s.records_in for s in r.stages[:2]] == [records, records]  # each source record routed once
    assert r.stages[2].records_in == r.outputs[2]  # the join's output is what the aggregate stage reads


def test_stage_result_does_not_depend_on_batch_size() -> None:
    a = _replay(JOIN_GROUP, batch_size=97, match_rate=0.6)
    b = _replay(JOIN_GROUP, batch_size=2000, match_rate=0.6)
    assert [s.to_dict() for s in a.stages] == [s.to_dict() for s in b.stages]


def test_flink_stage_loads_equal_routing_the_keys_through_the_flink_engine() -> None:
    sql = "SELECT sym, COUNT(*) AS n FROM trades GROUP BY sym"
    config = SimulationConfig(records=5000, keys=200, distribution="zipf:1.1", workers=5, processes=0)
    result = simulate(sql, dialect="flink", config=config, strategies="always_hash")
    (stage,) = result.stages
    schema = WorkloadSchema(columns=(ColumnSpec.categorical("sym", 200, "zipf:1.1"),))
    values = np.concatenate([b.strings("sym") for b in generate(TopicSpec(partitions=8), schema, 5000, 0)])
    distinct, counts = np.unique(values.astype(str), return_counts=True)
    workers = get_engine("flink").workers([distinct.astype(object)], ["STRING"], 5, EngineSettings(128),
                                          from_text=True)
    assert list(stage.loads) == np.bincount(workers, weights=counts, minlength=5).astype(int).tolist()
    assert stage.kind == "hash" and stage.keys == ("sym",)


def _comparable(d: dict) -> dict:
    d.pop("wall_s")
    d.pop("processes")
    for m in d["strategies"].values():
        for timing in ("busy_s", "routing_s", "measured_records_per_s"):
            m.pop(timing)
    return d


def test_same_seed_same_result_and_inline_equals_processes_for_a_multi_stage_plan() -> None:
    inline = simulate(JOIN_GROUP, dialect="flink", config=SMALL).to_dict()
    again = simulate(JOIN_GROUP, dialect="flink", config=SMALL).to_dict()
    procs = simulate(JOIN_GROUP, dialect="flink",
                     config=SimulationConfig(records=3000, keys=60, processes=2, batch_size=700)).to_dict()
    assert len(inline["stages"]) == 3
    assert _comparable(inline) == _comparable(again) == _comparable(procs)


def test_round_robin_on_a_regular_join_is_missing_join_matches() -> None:
    result = simulate(JOIN_ONLY, config=SMALL)
    rr = result.strategies["round_robin"]
    assert not rr.correct and rr.verdict.startswith("missing join matches")
    assert rr.missing_join_matches and rr.missing_join_matches > 0
    assert "no state to split" not in rr.verdict
    fan = result.strategies["fan_in"]
    assert fan.correct and fan.missing_join_matches == 0
    # Both inputs are routed with the strategy: one round-robin counter over 6,000 records.
    assert rr.join_input_loads == (1500, 1500, 1500, 1500) and fan.join_input_loads == (6000, 0, 0, 0)
    assert fan.join_rows == fan.reference_join_rows > 0


WINDOW_JOIN = """
SELECT L.k, L.window_start FROM
  (SELECT * FROM TABLE(TUMBLE(TABLE a, DESCRIPTOR(ts), INTERVAL '1' MINUTE))) L
JOIN
  (SELECT * FROM TABLE(TUMBLE(TABLE b, DESCRIPTOR(ts), INTERVAL '1' MINUTE))) R
ON L.k = R.k AND L.window_start = R.window_start AND L.window_end = R.window_end
"""


def test_a_window_join_without_aggregate_is_judged_by_its_matches() -> None:
    result = simulate(WINDOW_JOIN, dialect="flink", config=SMALL)
    for m in result.strategies.values():
        assert "partial aggregates" not in m.verdict
        assert m.missing_join_matches is not None
    assert not result.strategies["round_robin"].correct


def test_a_join_without_an_equi_key_is_replayed_as_candidate_pairs_in_one_place() -> None:
    result = simulate("SELECT * FROM a JOIN b ON a.x < b.y", config=SMALL)
    assert [(s.kind, s.records_in, s.loads[0]) for s in result.stages] == [("single", 3000, 3000)] * 2
    assert any("candidate pairs" in w for w in result.warnings)
    assert result.strategies["fan_in"].reference_join_rows == 3000 * 3000
    assert not result.strategies["round_robin"].correct


def test_a_join_with_no_key_domain_is_refused() -> None:
    a = analyze(JOIN_ONLY)
    staged = plan_sources(a.statements[-1], a.catalog, records=100, partitions=2, keys=5,
                          distribution="uniform", producer=None, seed=0, batch_size=50, match_rate=1.0)
    assert staged is not None
    unkeyed = replace(staged, joins={})  # the join's keys matched no column of either input
    with pytest.raises(InvalidConfigError, match="no declared or generated key domain"):
        stage_replay(unkeyed, engine="partition-lab", settings=EngineSettings(), workers=2)


def test_a_trace_missing_a_column_the_plan_needs(tmp_path: Path) -> None:
    trace = tmp_path / "customers.csv"
    trace.write_text("partition,id,name\n0,1,x\n1,2,y\n")
    with pytest.raises(PartitionLabError, match="region"):
        simulate(JOIN_GROUP, dialect="flink", config=SMALL, traces={"customers": trace})


def test_per_source_traces_replay_their_records(tmp_path: Path) -> None:
    orders, customers = tmp_path / "o.csv", tmp_path / "c.csv"
    orders.write_text("partition,customer_id\n" + "\n".join(f"{i % 3},{i % 5}" for i in range(40)) + "\n")
    # Two updates per customer id: the upsert table keeps one version of each.
    customers.write_text("partition,id,region\n" + "\n".join(f"0,{i % 3},r{i % 2}" for i in range(6)) + "\n")
    result = simulate(JOIN_GROUP, dialect="flink", config=SMALL,
                      traces={"orders": orders, "customers": customers})
    join = [s for s in result.stages if s.to == 2]
    assert [s.records_in for s in join] == [40, 6]
    # ids 0..2 have a customer: 24 of the 40 orders match one version each.
    assert result.stages[2].records_in == 24


def test_the_budget_counts_stages() -> None:
    from core.budget import Budget

    tight = Budget("a test budget", max_cells=3000 * 5 * 2, max_state_bytes=1 << 40)
    simulate("SELECT k, COUNT(*) FROM t GROUP BY k", config=SMALL, budget=tight)  # one stage fits
    with pytest.raises(InvalidConfigError, match="over a test budget"):
        simulate(JOIN_GROUP, dialect="flink", config=SMALL, budget=tight)  # three stages do not


def test_cli_json_has_stages_and_text_has_a_stage_table(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["simulate", str(SAMPLE), "--dialect", "flink", "--records", "2000", "--processes", "0",
            "--match-rate", "0.5"]
    assert main([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["keys"] for s in data["stages"]] == [["customer_id"], ["id"], ["region"]]
    for s in data["stages"]:
        assert set(s) >= {"to", "kind", "keys", "records_in", "loads", "max_mean"}
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "stages (the plan replayed under flink, in the coordinator process" in text and "aggregate" in text
    assert main([*args, "--match-rate", "1.5"]) == 2
    assert "--match-rate" in capsys.readouterr().err


@pytest.mark.parametrize("sql", [JOIN_ONLY, "SELECT * FROM a LEFT JOIN b ON a.k = b.k",
                                 "SELECT * FROM a FULL JOIN b ON a.k = b.k"])
def test_the_reference_join_rows_are_what_the_stage_replay_joins(sql: str) -> None:
    config = SimulationConfig(records=2000, keys=80, processes=0, match_rate=0.7, distribution="zipf:1.1")
    result = simulate(sql, config=config)
    join_out = next(s.records_out for s in result.stages if s.operator == "join")
    fan = result.strategies["fan_in"]
    assert fan.correct and fan.join_rows == fan.reference_join_rows == join_out


def test_an_outer_join_split_over_workers_emits_extra_null_padded_rows() -> None:
    config = SimulationConfig(records=2000, keys=80, processes=0, match_rate=0.7)
    rr = simulate("SELECT * FROM a LEFT JOIN b ON a.k = b.k", config=config).strategies["round_robin"]
    assert not rr.correct and rr.extra_join_rows and rr.missing_join_matches
    assert "extra join rows" in rr.verdict


@pytest.mark.slow
@settings(max_examples=4, deadline=None)
@given(seed=st.integers(0, 2**16), rate=st.floats(0, 1), workers=st.integers(2, 6),
       batch=st.integers(50, 3000))
def test_inline_equals_processes_for_multi_stage_plans(seed: int, rate: float, workers: int,
                                                       batch: int) -> None:
    def run(processes: int) -> dict:
        config = SimulationConfig(records=2500, keys=40, workers=workers, processes=processes, seed=seed,
                                  batch_size=batch, match_rate=rate, distribution="zipf:1.1")
        return _comparable(simulate(JOIN_GROUP, dialect="flink", config=config).to_dict())

    assert run(0) == run(2)
