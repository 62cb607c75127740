"""End-to-end simulation: routing invariants, correctness verdicts and the recommended strategy."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import InvalidConfigError, TraceError
from core.simulation import SimulationConfig, simulate
from core.workload.distributions import parse_distribution

GROUP_BY = "SELECT symbol, COUNT(*) AS n, SUM(price) AS total FROM trades GROUP BY symbol"
INLINE = SimulationConfig(records=4000, keys=50, processes=0, batch_size=1000)


@settings(max_examples=15, deadline=None)
@given(records=st.integers(1, 3000), workers=st.integers(1, 9), partitions=st.integers(1, 12),
       batch=st.integers(1, 1500), seed=st.integers(0, 2**16))
def test_every_record_routed_exactly_once(records: int, workers: int, partitions: int, batch: int,
                                          seed: int) -> None:
    config = SimulationConfig(records=records, workers=workers, partitions=partitions, keys=20,
                              processes=0, batch_size=batch, seed=seed)
    result = simulate(GROUP_BY, config=config)
    for m in result.strategies.values():
        assert len(m.loads) == workers
        assert sum(m.loads) == records
        assert sum(sum(row) for row in m.bucket_loads) == records
        assert all(x >= 0 for x in m.loads)


def test_same_seed_same_result_and_the_json_shape() -> None:
    a, b = simulate(GROUP_BY, config=INLINE).to_dict(), simulate(GROUP_BY, config=INLINE).to_dict()
    for d in (a, b):
        for m in d["strategies"].values():
            for timing in ("busy_s", "routing_s", "measured_records_per_s"):
                m.pop(timing)
        d.pop("wall_s")
    assert a == b
    assert {"records", "partitions", "workers", "recommended", "best_measured", "strategies"} <= a.keys()
    required = {"loads", "max_mean", "imbalance", "cv", "gini", "jain", "flink_skew_pct", "shuffle_fraction",
                "groups", "fragmented_groups", "correct", "verdict", "modeled_throughput",
                "measured_records_per_s"}
    assert list(a["strategies"]) == ["always_hash", "smart_repartition", "round_robin", "sticky_partition",
                                     "fan_in"]
    for m in simulate(GROUP_BY, config=INLINE).to_dict()["strategies"].values():
        assert required <= m.keys()


def test_round_robin_group_by_is_reported_incorrect() -> None:
    result = simulate(GROUP_BY, config=INLINE, strategies=["round_robin", "hash"])
    rr = result.strategies["round_robin"]
    assert not rr.correct
    assert rr.fragmented_groups > 0 and rr.wrong_groups > 0
    assert rr.verdict.startswith(f"partial aggregates for {rr.wrong_groups:,} of {rr.groups:,} groups")
    assert rr.warnings  # validate() refuses round robin with GROUP BY
    hashed = result.strategies["always_hash"]
    assert hashed.correct and hashed.fragmented_groups == 0
    assert hashed.verdict == "correct: every group computed on exactly one worker"
    assert result.best_measured == "always_hash"


def test_sticky_on_an_aligned_source_is_correct_without_shuffle() -> None:
    config = SimulationConfig(records=5000, keys=60, partitions=4, workers=4, processes=0, producer="murmur2")
    result = simulate(GROUP_BY, source_keys=["symbol"], config=config)
    assert result.recommended == "smart_repartition" and result.aligned is True
    for name in ("sticky_partition", "smart_repartition"):
        m = result.strategies[name]
        assert m.correct and m.shuffle_fraction == 0.0 and m.fragmented_groups == 0
    smart = result.strategies["smart_repartition"]
    assert smart.alignment_pct == 100.0 and smart.natural_hits == 5000 and smart.repartition_hits == 0


def test_fan_in_metrics() -> None:
    result = simulate(GROUP_BY, config=SimulationConfig(records=2000, workers=5, processes=0),
                      strategies="fan_in")
    m = result.strategies["fan_in"]
    assert m.loads == (2000, 0, 0, 0, 0)
    assert m.max_mean == pytest.approx(5.0) and m.jain == pytest.approx(1 / 5)
    assert m.correct and m.to_dict()["max_median"] is None


def test_zipf_bound_hottest_key_worker_carries_its_share() -> None:
    config = SimulationConfig(records=20_000, keys=1000, workers=8, processes=0, distribution="zipf:1.2")
    m = simulate(GROUP_BY, config=config, strategies="always_hash").strategies["always_hash"]
    p1 = parse_distribution("zipf:1.2").probabilities(1000)[0]
    hottest = m.groups_per_worker  # every group sits on one worker: the busiest holds key_0
    assert len(hottest) == 8
    # Plain hashing (d = 1 choice) cannot do better than I/m >= p1 - 1/W (Nasir et al.).
    assert m.imbalance_ratio >= p1 - 1 / 8 - 0.01
    assert max(m.loads) >= 0.95 * p1 * 20_000


def test_windowed_distinct_analytic_and_plain_queries() -> None:
    window = ("SELECT symbol, COUNT(*) FROM trades GROUP BY symbol "
              "WINDOW TUMBLING(1s)")
    r = simulate(window, config=INLINE, strategies="hash,round_robin")
    assert r.operator == "window" and r.strategies["always_hash"].correct
    assert not r.strategies["round_robin"].correct
    assert "(key, window) groups" in r.strategies["round_robin"].verdict
    distinct = simulate("SELECT DISTINCT symbol FROM trades", config=INLINE, strategies="hash,round_robin")
    assert distinct.operator == "distinct"
    assert distinct.strategies["always_hash"].correct
    assert distinct.strategies["round_robin"].duplicate_rows > 0
    assert "duplicate DISTINCT rows" in distinct.strategies["round_robin"].verdict
    plain = simulate("SELECT symbol, price FROM trades WHERE price > 10", config=INLINE)
    assert plain.operator == "stateless"
    assert all(m.correct for m in plain.strategies.values())
    ordered = simulate("SELECT symbol, price FROM trades ORDER BY price", config=INLINE,
                       strategies="sticky,round_robin")
    assert ordered.order_required and ordered.strategies["sticky_partition"].correct
    assert not ordered.strategies["round_robin"].correct
    assert (ordered.strategies["round_robin"].order_violations or 0) > 0
    # A GROUP BY's result does not depend on arrival order: not checked, reported as null.
    grouped = simulate(GROUP_BY, config=INLINE, strategies="hash")
    assert grouped.strategies["always_hash"].order_violations is None


def test_global_aggregate_needs_fan_in() -> None:
    r = simulate("SELECT COUNT(*), SUM(price) FROM trades", config=INLINE)
    assert r.strategies["fan_in"].correct
    assert not r.strategies["round_robin"].correct
    assert "global aggregate" in r.strategies["round_robin"].verdict


def test_progress_reaches_one() -> None:
    seen: list[float] = []
    simulate(GROUP_BY, config=INLINE, strategies="hash", progress=seen.append)
    assert seen[-1] == 1.0 and all(0 < f <= 1 for f in seen) and seen == sorted(seen)


@pytest.mark.parametrize("kwargs", [
    {"workers": 0}, {"workers": 1025}, {"records": 0}, {"partitions": 0}, {"partitions": 100_001},
    {"distribution": "pareto"}, {"producer": "magic"}, {"processes": -1}, {"hash_function": "sha1"},
    {"fan_in_target": 4}, {"cost_us": 0}, {"rate": -5.0}, {"buckets": 0},
])
def test_invalid_options(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidConfigError):
        SimulationConfig(**kwargs)  # type: ignore[arg-type]


def test_unreadable_trace_and_bad_statement() -> None:
    with pytest.raises(TraceError):
        simulate(GROUP_BY, config=INLINE, trace="/nonexistent/trace.csv")
    with pytest.raises(InvalidConfigError):
        simulate(GROUP_BY, config=INLINE, statement=3)


def test_trace_replay(tmp_path: object) -> None:
    import pandas as pd

    path = tmp_path / "t.csv"  # type: ignore[operator]
    rng = np.random.default_rng(1)
    n = 600
    pd.DataFrame({"partition": rng.integers(0, 3, n), "symbol": rng.choice(["a", "b", "c", "d"], n),
                  "price": rng.random(n)}).to_csv(path, index=False)
    r = simulate(GROUP_BY, config=INLINE, trace=path)
    assert r.source == "trace" and r.records == n and r.partitions == 3
    assert r.strategies["always_hash"].correct and r.strategies["always_hash"].groups == 4


def test_limit_runs_on_every_worker() -> None:
    r = simulate("SELECT * FROM trades ORDER BY ts LIMIT 10", config=INLINE, strategies="sticky,fan_in")
    sticky = r.strategies["sticky_partition"]
    assert not sticky.correct
    assert sticky.verdict.startswith("top 10 applied per worker: 40 rows instead of 10")
    assert sticky.wrong_top_rows == 1
    assert r.strategies["fan_in"].correct and r.best_measured == "fan_in"


def test_sessions_hopping_windows_and_compound_keys() -> None:
    session = simulate("SELECT user_id, COUNT(*) FROM clicks GROUP BY user_id WINDOW SESSION(30s)",
                       config=INLINE, strategies="hash,sticky")
    assert session.operator == "session" and session.strategies["always_hash"].correct
    assert not session.strategies["sticky_partition"].correct
    hopping = simulate("SELECT symbol, AVG(price) FROM trades GROUP BY symbol WINDOW SLIDING(2s, 500ms)",
                       config=INLINE, strategies="hash,round_robin")
    assert hopping.operator == "window" and hopping.strategies["always_hash"].correct
    # Every record joins 4 windows: groups are (key, window) pairs.
    assert hopping.strategies["always_hash"].groups > 50
    compound = simulate("SELECT symbol, venue, SUM(qty) FROM trades GROUP BY symbol, venue", config=INLINE,
                        strategies="hash")
    assert compound.state_keys == ("symbol", "venue") and compound.strategies["always_hash"].correct
