"""Did the W workers emit what one place seeing every record emits? No cross-worker merge exists.

The workers' rows are compared with the reference rows as they are, like the engine, which keeps
each worker's state separate: a group computed on two workers shows up as two partial rows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from core.simulation.plan import Plan
from core.simulation.worker import WorkerOutput

__all__ = ["Correctness", "check"]

_ID = ["key", "window"]


@dataclass(frozen=True)
class Correctness:
    groups: int
    groups_per_worker: tuple[int, ...]
    fragmented_groups: int
    wrong_groups: int
    duplicate_rows: int
    extra_rows: int
    order_violations: int | None  # None: not checked (the result cannot depend on order)
    correct: bool
    verdict: str


def _frame(outputs: list[WorkerOutput], part: str) -> pd.DataFrame:
    frames = []
    for w, o in enumerate(outputs):
        columns = getattr(o, part)
        rows = len(next(iter(columns.values()))) if columns else 0
        frames.append(pd.DataFrame({**columns, "worker": np.full(rows, w)}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _same(a: pd.Series, b: pd.Series) -> np.ndarray:
    x, y = a.to_numpy(), b.to_numpy()
    if x.dtype.kind == "f" or y.dtype.kind == "f":
        # Partial sums merge in another order on every worker: compare floats with a tolerance.
        return np.isclose(x.astype(np.float64), y.astype(np.float64), rtol=1e-9, atol=1e-9, equal_nan=True)
    return np.asarray(x == y)


def order_violations(outputs: list[WorkerOutput]) -> int | None:
    """Offsets that went backwards inside a worker, plus the records of each (partition, key) stream
    that sit on another worker than the stream's main one (their relative order is lost)."""
    if not any(o.streams for o in outputs):
        return None  # order was not tracked for this query
    streams = _frame(outputs, "streams")
    if streams.empty:
        return 0
    per = streams.groupby("stream").agg(total=("count", "sum"), main=("count", "max"))
    return int(streams["off"].sum() + (per["total"] - per["main"]).sum())


def check(plan: Plan, reference: WorkerOutput, outputs: list[WorkerOutput]) -> Correctness:
    ref = pd.DataFrame(reference.table)
    emitted = _frame(outputs, "table")
    per_worker = tuple(len(o.table["key"]) for o in outputs)
    order = order_violations(outputs)
    groups = len(ref)
    if plan.kind == "stateless":
        ok = not (plan.order_required and order)
        verdict = _verdict(plan, 0, 0, 0, order, ok)
        rows = tuple(o.rows for o in outputs)
        stateless = Correctness(0, per_worker, 0, 0, 0, 0, order, ok, verdict)
        return _limited(plan, stateless, rows, reference.rows)
    mult = emitted.groupby(_ID).agg(rows=("worker", "size"), workers=("worker", "nunique"))
    if plan.kind == "session":
        # Sessions of one key split over workers have different bounds: count split keys instead.
        split_keys = emitted.groupby("key")["worker"].nunique()
        fragmented = int(ref["key"].isin(split_keys.index[split_keys > 1]).sum())
    else:
        fragmented = int((mult["workers"] > 1).sum())
    duplicates = int((mult["rows"] - 1).sum())
    counted = emitted.merge(mult["rows"].reset_index(), on=_ID, how="left")
    single = counted[counted["rows"] == 1].drop(columns=["rows", "worker"])
    joined = ref.merge(single, on=_ID, how="inner", suffixes=("", "_w"))
    good = np.ones(len(joined), dtype=bool)
    for col in ref.columns:
        if col not in _ID:
            good &= _same(joined[col], joined[col + "_w"])
    wrong = groups - int(good.sum())
    extra = int(len(mult.index.difference(pd.MultiIndex.from_frame(ref[_ID])))) if groups else len(mult)
    ok = wrong == 0 and extra == 0 and not (plan.order_required and order)
    verdict = _verdict(plan, groups, wrong, duplicates, order, ok)
    result = Correctness(groups, per_worker, fragmented, wrong, duplicates, extra, order, ok, verdict)
    return _limited(plan, result, per_worker, groups)


def _limited(plan: Plan, c: Correctness, rows: tuple[int, ...], reference_rows: int) -> Correctness:
    """LIMIT n runs on every worker: W workers emit up to W·n rows where one place emits n."""
    if plan.limit is None:
        return c
    emitted = sum(min(plan.limit, r) for r in rows)
    expected = min(plan.limit, reference_rows)
    if emitted == expected or not c.correct:
        return c
    verdict = (f"LIMIT {plan.limit} applied per worker: {emitted:,} rows instead of {expected:,} — only one "
               "place (fan_in) can apply a global LIMIT")
    return replace(c, correct=False, verdict=verdict)


def _verdict(plan: Plan, groups: int, wrong: int, duplicates: int, order: int | None, ok: bool) -> str:
    kind = plan.kind
    if ok:
        if kind == "stateless":
            return ("correct: every key's records stay in order on one worker" if plan.order_required
                    else "correct: no state to split (plain filter/projection), every strategy emits the "
                    "same rows")
        return {
            "distinct": "correct: every DISTINCT row emitted by exactly one worker",
            "analytic": "correct: every PARTITION BY key's state lives on exactly one worker",
            "session": "correct: every session computed on exactly one worker",
        }.get(kind, "correct: every group computed on exactly one worker")
    if kind in ("stateless", "analytic") and wrong == 0:
        return (f"per-key order not guaranteed for {order or 0:,} records — keep each source partition "
                "(or key) on one worker, e.g. sticky_partition")
    if kind == "distinct":
        return (f"{duplicates:,} duplicate DISTINCT rows over {groups:,} distinct values — needs a keyed "
                "strategy on the DISTINCT columns")
    if kind == "analytic":
        return (f"analytic state split for {wrong:,} of {groups:,} PARTITION BY keys — hash the "
                "PARTITION BY columns so each key's rows meet on one worker")
    if kind == "session":
        return (f"sessions wrong for {wrong:,} of {groups:,} sessions — a key's records must meet on one "
                "worker (hash the session key)")
    if not plan.state_columns:
        return ("partial aggregates: the global aggregate is split over several workers — only fan_in "
                "(or a two-phase local/global merge) gives one result")
    what = "(key, window) groups" if kind == "window" else "groups"
    return (f"partial aggregates for {wrong:,} of {groups:,} {what} — needs a merge step or a keyed "
            "strategy")
