"""The plain per-record simulator computes what ``simulate`` computes (else the benchmark compares
different work), and its judgement can tell a wrong result from a right one."""

from __future__ import annotations

import pytest

from core.bench.runner import BENCH_SQL
from core.errors import InvalidConfigError
from core.simulation.api import simulate
from core.simulation.config import SimulationConfig
from core.testing.plain_simulator import _judge, plain_simulate


@pytest.mark.parametrize(("workers", "keys", "distribution"), [(4, 300, "uniform"), (3, 50, "zipf:1.2")])
def test_plain_and_vectorized_simulators_agree(workers: int, keys: int, distribution: str) -> None:
    records = 30_000
    plain = plain_simulate(BENCH_SQL, records=records, workers=workers, keys=keys, distribution=distribution,
                           seed=7)
    config = SimulationConfig(records=records, workers=workers, keys=keys, distribution=distribution,
                              processes=0, seed=7, engine="partition-lab")  # the plain one hashes with mmh3
    fast = simulate(BENCH_SQL, config=config)
    assert plain.records == records and set(plain.strategies) == set(fast.strategies)
    for name, p in plain.strategies.items():
        m = fast.strategies[name]
        assert p.loads == m.loads, name
        assert (p.groups, p.fragmented_groups, p.wrong_groups) == (m.groups, m.fragmented_groups,
                                                                  m.wrong_groups), name
        assert p.correct == m.correct, name
    assert plain.strategies["always_hash"].correct and not plain.strategies["round_robin"].correct


def test_the_judge_sees_a_wrong_value_and_a_fragmented_group() -> None:
    reference = {"a": [2, 2, 3.0, 1.0, 2.0], "b": [1, 1, 5.0, 5.0, 5.0]}
    right = [{"a": [2, 2, 3.0, 1.0, 2.0]}, {"b": [1, 1, 5.0, 5.0, 5.0]}]
    wrong = [{"a": [2, 2, 3.5, 1.0, 2.0]}, {"b": [1, 1, 5.0, 5.0, 5.0]}]
    split = [{"a": [1, 1, 1.0, 1.0, 1.0]}, {"a": [1, 1, 2.0, 2.0, 2.0], "b": [1, 1, 5.0, 5.0, 5.0]}]
    functions = ("COUNT", "SUM", "AVG", "MIN", "MAX")
    assert _judge("x", right, reference, functions, [2, 1]).correct
    judged = _judge("x", wrong, reference, functions, [2, 1])
    assert (judged.fragmented_groups, judged.wrong_groups) == (0, 1)
    judged = _judge("x", split, reference, functions, [1, 2])
    assert (judged.fragmented_groups, judged.wrong_groups) == (1, 1)


@pytest.mark.parametrize("sql", [
    "SELECT a, COUNT(*) FROM t GROUP BY a WINDOW TUMBLING(1m)",
    "SELECT a, b, COUNT(*) FROM t GROUP BY a, b",
    "SELECT a, SUM(x), SUM(y) FROM t GROUP BY a",
])
def test_unsupported_queries_are_refused(sql: str) -> None:
    with pytest.raises(InvalidConfigError):
        plain_simulate(sql, records=10, workers=2)
