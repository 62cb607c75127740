"""Top-N and DISTINCT judged by their real output: each worker's top rows / distinct rows, unioned."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from core.simulation.api import simulate
from core.simulation.config import SimulationConfig
from core.simulation.judge import check
from core.simulation.plan import Plan
from core.simulation.state import TopNTable
from core.simulation.top_n import TopN, top_n_of
from core.simulation.worker import Chunk, Operator, OperatorSpec, WorkerOutput

INLINE = SimulationConfig(records=6_000, keys=150, workers=4, processes=0)
TOP3 = ("SELECT * FROM (SELECT user_id, amount, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY amount DESC)"
        " AS rn FROM orders) WHERE rn <= 3")


def _best(frame: pd.DataFrame, n: int, descending: bool) -> pd.DataFrame:
    score = frame["score"].where(frame["score"].notna(), -np.inf if descending else np.inf)
    ranked = frame.assign(s=-score if descending else score).sort_values(["key", "s", "seq"])
    return ranked.groupby("key").head(n)[["key", "seq"]].reset_index(drop=True)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.sampled_from([1.0, 2.0, 3.0, np.nan])), min_size=1,
                max_size=80),
       st.integers(1, 4), st.booleans(), st.lists(st.integers(1, 79), max_size=5))
def test_top_n_table_keeps_the_n_best_rows_of_each_key_whatever_the_cuts(
        rows: list[tuple[int, float]], n: int, descending: bool, cuts: list[int]) -> None:
    key = np.array([r[0] for r in rows], np.int64)
    score = np.array([r[1] for r in rows], np.float64)
    seq = np.arange(len(rows), dtype=np.int64)
    table = TopNTable(n, descending)
    bounds = [0, *sorted(c for c in set(cuts) if c < len(rows)), len(rows)]
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        table.add({"key": key[lo:hi], "window": np.zeros(hi - lo, np.int64), "score": score[lo:hi],
                   "seq": seq[lo:hi]})
        table.compact()
    got = table.ranked()
    expected = _best(pd.DataFrame({"key": key, "score": score, "seq": seq}), n, descending)
    assert got["key"].tolist() == expected["key"].tolist()
    assert got["seq"].tolist() == expected["seq"].tolist()
    assert all(r >= 1 for r in got["rank"].tolist())


def test_top_n_bounds_from_sql() -> None:
    assert top_n_of(TOP3, "velostream", 0) == TopN(3, ("user_id",), "amount", True, "ROW_NUMBER")
    assert top_n_of("SELECT a FROM t ORDER BY b LIMIT 7", "velostream", 0) == TopN(7, (), "b", False, "LIMIT")
    dedup = "SELECT * FROM (SELECT a, ROW_NUMBER() OVER (PARTITION BY a ORDER BY ts) AS r FROM t) WHERE r = 1"
    assert top_n_of(dedup, "flink", 0) == TopN(1, ("a",), "ts", False, "ROW_NUMBER")
    unfiltered = "SELECT a, ROW_NUMBER() OVER (PARTITION BY a ORDER BY ts) AS r FROM t"
    assert top_n_of(unfiltered, "flink", 0) is None  # every row kept: an OVER window, not a Top-N


_SPEC = OperatorSpec("top_n", top_n=2, descending=True, rank_value=0, track_order=False)
_PLAN = Plan(_SPEC, ("k",), ("k",), False, ("v",), ("ROW_NUMBER <= 2",), ())


def _out(key: list[int], value: list[float], seq: list[int]) -> WorkerOutput:
    op = Operator(_SPEC)
    empty = np.empty(0, np.int64)
    op.process(Chunk(np.array(key, np.int64), empty, empty, empty, np.array(seq, np.int64),
                     (np.array(value, np.float64),)))
    return op.finish()


def test_a_split_partition_with_fewer_than_n_rows_is_wrong_by_its_ranks() -> None:
    # Key 1 has two rows only: both workers emit "their" row as rank 1, the reference ranks them 1, 2.
    # The same rows come out, with the wrong row numbers: real output, not "which rows".
    reference = _out([0, 0, 0, 1, 1], [5, 4, 3, 9, 8], [0, 1, 2, 3, 4])
    worker_a = _out([0, 0, 0, 1], [5, 4, 3, 9], [0, 1, 2, 3])
    worker_b = _out([1], [8], [4])
    verdict = check(_PLAN, reference, [worker_a, worker_b])
    assert verdict.wrong_top_rows == 1 and not verdict.correct
    assert verdict.verdict.startswith("wrong top rows for 1 of 2 partitions")
    one_worker = _out([0, 0, 0, 1, 1], [5, 4, 3, 9, 8], [0, 1, 2, 3, 4])
    whole = check(_PLAN, reference, [one_worker, _out([], [], [])])
    assert whole.correct and whole.wrong_top_rows == 0


def test_top_n_per_partition_needs_the_partition_on_one_worker() -> None:
    r = simulate(TOP3, config=INLINE)
    assert r.operator == "top_n" and r.state_keys == ("user_id",)
    for name in ("always_hash", "smart_repartition", "fan_in"):
        assert r.strategies[name].correct and r.strategies[name].wrong_top_rows == 0, name
    rr = r.strategies["round_robin"]
    assert not rr.correct and 0 < rr.wrong_top_rows <= rr.groups == 150
    assert r.to_dict()["strategies"]["round_robin"]["wrong_top_rows"] == rr.wrong_top_rows


def test_global_order_by_limit_only_in_one_place() -> None:
    r = simulate("SELECT user_id, amount FROM orders ORDER BY amount DESC LIMIT 5", config=INLINE)
    assert r.strategies["fan_in"].correct and r.strategies["fan_in"].wrong_top_rows == 0
    assert not r.strategies["round_robin"].correct and r.strategies["round_robin"].wrong_top_rows == 1


def test_duplicate_distinct_rows_are_the_rows_several_workers_emit() -> None:
    spec = OperatorSpec("distinct", track_order=False)
    plan = Plan(spec, ("k",), ("k",), False, (), (), ())

    def out(keys: list[int]) -> WorkerOutput:
        op = Operator(spec)
        empty = np.empty(0, np.int64)
        op.process(Chunk(np.array(keys, np.int64), empty, empty, empty, np.arange(len(keys)), ()))
        return op.finish()

    verdict = check(plan, out([0, 1, 2, 3, 3]), [out([0, 1, 2, 2]), out([2, 3]), out([3, 1])])
    assert verdict.duplicate_distinct_rows == 3  # 1, 2 and 3 each come from two workers
    assert not verdict.correct
    r = simulate("SELECT DISTINCT user_id, page FROM clicks", config=INLINE, strategies="hash,round_robin")
    assert r.strategies["always_hash"].duplicate_distinct_rows == 0 and r.strategies["always_hash"].correct
    assert r.strategies["round_robin"].duplicate_distinct_rows > 0
