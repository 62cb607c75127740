"""The stateful operator: results equal a pandas reference and never depend on batch boundaries."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.simulation.worker import Chunk, Operator, OperatorSpec


def _chunk(n: int, keys: int = 7, seed: int = 0, times: np.ndarray | None = None) -> Chunk:
    rng = np.random.default_rng(seed)
    value = rng.lognormal(2, 1, n)
    value[rng.random(n) < 0.05] = np.nan  # NULLs: ignored by SUM/MIN/MAX/AVG/COUNT(col)
    key = rng.integers(0, keys, n).astype(np.int64)
    t = times if times is not None else np.sort(rng.integers(0, 100_000, n)).astype(np.int64)
    return Chunk(key=key, stream=key, time=t, offset=np.arange(n, dtype=np.int64),
                 seq=np.arange(n, dtype=np.int64), values=(value,))


def _run(spec: OperatorSpec, chunk: Chunk, cuts: list[int]) -> dict[str, np.ndarray]:
    op = Operator(spec)
    bounds = [0, *sorted(set(cuts)), len(chunk)]
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        op.process(chunk.take(np.arange(lo, hi)))
    return op.finish().table


AGGS = (("COUNT", None), ("COUNT", 0), ("SUM", 0), ("AVG", 0), ("MIN", 0), ("MAX", 0))


def test_group_by_aggregates_equal_pandas() -> None:
    chunk = _chunk(5000)
    out = _run(OperatorSpec("aggregate", AGGS), chunk, [1000, 2500])
    frame = pd.DataFrame({"k": chunk.key, "v": chunk.values[0]})
    ref = frame.groupby("k")["v"].agg(["size", "count", "sum", "mean", "min", "max"])
    assert out["key"].tolist() == ref.index.tolist()
    for i, col in enumerate(ref.columns):
        np.testing.assert_allclose(out[f"a{i}"], ref[col].to_numpy(), rtol=1e-12)


def test_tumbling_and_hopping_windows() -> None:
    times = np.array([0, 999, 1000, 1500, 2999], dtype=np.int64)
    chunk = Chunk(np.zeros(5, np.int64), np.zeros(5, np.int64), times, np.arange(5), np.arange(5), ())
    tumbling = _run(OperatorSpec("window", (("COUNT", None),), size_ms=1000, advance_ms=1000), chunk, [])
    assert tumbling["window"].tolist() == [0, 1000, 2000]
    assert tumbling["a0"].tolist() == [2, 2, 1]
    hopping = _run(OperatorSpec("window", (("COUNT", None),), size_ms=2000, advance_ms=1000), chunk, [2])
    # [-1000, 1000): 0, 999 · [0, 2000): 0, 999, 1000, 1500 · [1000, 3000): 1000, 1500, 2999
    # [2000, 4000): 2999
    assert dict(zip(hopping["window"].tolist(), hopping["a0"].tolist(), strict=True)) == {
        -1000: 2, 0: 4, 1000: 3, 2000: 1}


def test_sessions_merge_across_batches_and_out_of_order_records() -> None:
    times = np.array([0, 50, 500, 120, 90, 1000], dtype=np.int64)  # gap 100: {0,50,90,120} {500} {1000}
    n = len(times)
    chunk = Chunk(np.zeros(n, np.int64), np.zeros(n, np.int64), times, np.arange(n), np.arange(n), ())
    for cuts in ([], [1], [2, 4], [1, 2, 3, 4, 5]):
        out = _run(OperatorSpec("session", (("COUNT", None),), gap_ms=100), chunk, cuts)
        assert out["window"].tolist() == [0, 500, 1000]
        assert out["end"].tolist() == [120, 500, 1000]
        assert out["a0"].tolist() == [4, 1, 1]


def test_distinct_and_analytic_state() -> None:
    chunk = _chunk(300, keys=5)
    distinct = _run(OperatorSpec("distinct"), chunk, [100])
    assert distinct["key"].tolist() == sorted(set(chunk.key.tolist()))
    analytic = _run(OperatorSpec("analytic", last_value=0), chunk, [17, 200])
    last = pd.DataFrame({"k": chunk.key, "v": chunk.values[0]}).groupby("k")["v"].agg(["size", "last"])
    assert analytic["count"].tolist() == last["size"].tolist()
    # pandas' "last" skips NaN; the operator keeps the latest value as it arrived.
    for k, v in zip(analytic["key"], analytic["last"], strict=True):
        expected = chunk.values[0][np.flatnonzero(chunk.key == k)[-1]]
        assert (np.isnan(v) and np.isnan(expected)) or v == expected


def test_order_check_counts_offsets_that_go_backwards() -> None:
    offsets = np.array([1, 5, 3, 4, 2], dtype=np.int64)
    n = len(offsets)
    chunk = Chunk(np.zeros(n, np.int64), np.zeros(n, np.int64), np.arange(n), offsets, np.arange(n), ())
    for cuts in ([], [2], [1, 3, 4]):
        op = Operator(OperatorSpec("stateless", track_order=True))
        bounds = [0, *cuts, n]
        for lo, hi in zip(bounds, bounds[1:], strict=False):
            op.process(chunk.take(np.arange(lo, hi)))
        assert op.finish().streams["off"].tolist() == [2]  # 5 -> 3 and 4 -> 2


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 399), max_size=6), st.sampled_from(["aggregate", "window", "session"]))
def test_results_do_not_depend_on_batch_boundaries(cuts: list[int], kind: str) -> None:
    chunk = _chunk(400, keys=11, seed=3)
    spec = OperatorSpec(kind, AGGS, size_ms=5000, advance_ms=2500, gap_ms=300)  # type: ignore[arg-type]
    whole, split = _run(spec, chunk, []), _run(spec, chunk, cuts)
    assert whole.keys() == split.keys()
    for name in whole:
        np.testing.assert_allclose(whole[name], split[name], rtol=1e-12)


@pytest.mark.parametrize("kind", ["aggregate", "distinct", "analytic", "stateless"])
def test_busy_time_rows_and_state_size(kind: str) -> None:
    op = Operator(OperatorSpec(kind, (("COUNT", None),) if kind == "aggregate" else ()))  # type: ignore[arg-type]
    op.process(_chunk(1000, keys=9))
    out = op.finish()
    assert out.rows == 1000 and out.busy_s > 0
    assert out.state_entries == (0 if kind == "stateless" else 9)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 299), max_size=5), st.integers(1, 5000), st.booleans())
def test_dense_state_equals_the_sorted_table(cuts: list[int], keys: int, wide: bool) -> None:
    # Small ids stay dense; wide ones (or many keys for few rows) move the state to the sorted table
    # part-way. Either way the result is the sorted table's, NULL-only keys included.
    from core.simulation.dense import DenseTable
    from core.simulation.state import PartialTable

    chunk = _chunk(300, keys=keys, seed=keys)
    key = chunk.key * (1 << 40) if wide else chunk.key
    value = chunk.values[0].copy()
    value[key == key[0]] = np.nan
    reducers = {"n": "sum", "k": "sum", "s": "sum", "lo": "min", "hi": "max"}
    dense, table = DenseTable(reducers, count="n"), PartialTable(("key",), reducers)
    bounds = [0, *sorted(set(cuts)), len(key)]
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        v = value[lo:hi]
        ones = np.ones(hi - lo, np.int64)
        # "k" is fed the very array of "n" while a share has no NULL (shared state), else its own.
        nulls = np.isnan(v)
        rows = {"key": key[lo:hi], "n": ones, "k": (~nulls).astype(np.int64) if nulls.any() else ones,
                "s": np.where(nulls, 0.0, v), "lo": v, "hi": v}
        dense.add(rows)
        table.add(rows)
    got, want = dense.result(), table.result()
    assert got["key"].tolist() == want["key"].tolist()
    assert got["n"].tolist() == want["n"].tolist() and got["k"].tolist() == want["k"].tolist()
    for name in ("s", "lo", "hi"):
        np.testing.assert_allclose(got[name], want[name], rtol=1e-12)
