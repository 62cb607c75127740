"""Did the W workers emit what one place seeing every record emits? No cross-worker merge exists.

The workers' rows are compared with the reference rows as they are, like the engine, which keeps
each worker's state separate: a group computed on two workers shows up as two partial rows, a
DISTINCT row seen by two workers is emitted twice, a partition whose rows are split keeps one
top-N list per worker. One judge per operator kind (:data:`JUDGES`); a new operator (a join's
missing and extra matches) plugs in there with the same signature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from core.simulation.plan import Plan
from core.simulation.worker import WorkerOutput

__all__ = ["Correctness", "Judge", "JUDGES", "check"]

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
    # Top-N: partitions whose top rows (row, rank) differ from the reference's; DISTINCT: rows emitted
    # by more than one worker. None: not that operator.
    wrong_top_rows: int | None = None
    duplicate_distinct_rows: int | None = None


def _frame(outputs: list[WorkerOutput], part: str) -> pd.DataFrame:
    frames = []
    for w, o in enumerate(outputs):
        columns = getattr(o, part)
        rows = len(next(iter(columns.values()))) if columns else 0
        frames.append(pd.DataFrame({**columns, "worker": np.full(rows, w)}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _same(x: np.ndarray, y: np.ndarray) -> np.ndarray:
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


# (plan, reference output, one output per worker) -> verdict
Judge = Callable[[Plan, WorkerOutput, list[WorkerOutput]], Correctness]


def check(plan: Plan, reference: WorkerOutput, outputs: list[WorkerOutput]) -> Correctness:
    """The verdict on ``outputs`` (one per worker) against the ``reference`` by ``plan``'s operator."""
    result = JUDGES.get(plan.kind, _judge_groups)(plan, reference, outputs)
    if plan.kind == "stateless":  # every record is a result row
        return _limited(plan, result, tuple(o.rows for o in outputs), reference.rows)
    return _limited(plan, result, result.groups_per_worker, len(reference.table["key"]))


def _judge_stateless(plan: Plan, reference: WorkerOutput, outputs: list[WorkerOutput]) -> Correctness:
    per_worker = tuple(len(o.table["key"]) for o in outputs)
    order = order_violations(outputs)
    ok = not (plan.order_required and order)
    return Correctness(0, per_worker, 0, 0, 0, 0, order, ok, _verdict(plan, 0, 0, 0, order, ok))


def _judge_distinct(plan: Plan, reference: WorkerOutput, outputs: list[WorkerOutput]) -> Correctness:
    """The union of every worker's distinct rows against the reference's: a row emitted by k workers
    is k - 1 duplicates; a row missing or not in the reference is wrong."""
    result = _judge_groups(plan, reference, outputs)
    return replace(result, duplicate_distinct_rows=result.duplicate_rows)


def _judge_top_n(plan: Plan, reference: WorkerOutput, outputs: list[WorkerOutput]) -> Correctness:
    """Per partition (key, window), the rows (arrival number, rank) the workers emitted together
    against the reference's top rows: a partition is wrong when the two sets differ at all."""
    ids = ["key", "window", "seq", "rank"]
    ref = pd.DataFrame({c: reference.table[c] for c in ids})
    emitted = _frame(outputs, "table")
    per_worker = tuple(len(o.table["key"]) for o in outputs)
    groups = int(ref.groupby(_ID).ngroups) if len(ref) else 0
    if emitted.empty:
        emitted = pd.DataFrame({c: np.empty(0, np.int64) for c in [*ids, "worker"]})
    both = ref.merge(emitted[[*ids, "worker"]], on=ids, how="outer", indicator=True)
    differs = both[both["_merge"] != "both"]
    wrong = int(differs.groupby(_ID).ngroups) if len(differs) else 0
    spread = emitted.groupby(_ID)["worker"].nunique() if len(emitted) else pd.Series(dtype=np.int64)
    fragmented = int((spread > 1).sum())
    extra = int((both["_merge"] == "right_only").sum())
    ok = wrong == 0
    n, partitioned = plan.spec.top_n, bool(plan.state_columns) or bool(plan.spec.size_ms)
    if ok:
        verdict = (f"correct: every partition's top {n} rows equal the reference's" if partitioned
                   else f"correct: the top {n} rows equal the reference's")
    elif partitioned:
        verdict = (f"wrong top rows for {wrong:,} of {groups:,} partitions — each worker keeps its own "
                   f"top {n}: hash the PARTITION BY columns so each partition's rows meet on one worker")
    else:
        verdict = (f"top {n} applied per worker: {len(emitted):,} rows instead of {len(ref):,} ({extra:,} "
                   f"not among the reference's top {n}) — only one place (fan_in) gives the global top rows")
    return Correctness(groups, per_worker, fragmented, wrong, extra, extra, None, ok, verdict,
                       wrong_top_rows=wrong)


def _pair_ids(keys: list[np.ndarray], windows: list[np.ndarray]) -> tuple[list[np.ndarray], int]:
    """One dense id per distinct (key, window) pair across several tables (one sort, no hashing)."""
    key, window = np.concatenate(keys), np.concatenate(windows)
    if not len(key):
        return [np.empty(0, np.int64) for _ in keys], 0
    order = np.lexsort((window, key))
    change = np.ones(len(key), dtype=bool)
    change[1:] = (key[order][1:] != key[order][:-1]) | (window[order][1:] != window[order][:-1])
    ids = np.empty(len(key), np.int64)
    ids[order] = np.cumsum(change) - 1
    bounds = np.cumsum([0, *(len(k) for k in keys)])
    return [ids[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)], int(change.sum())


def _judge_groups(plan: Plan, reference: WorkerOutput, outputs: list[WorkerOutput]) -> Correctness:
    """GROUP BY / window / session / analytic state: each reference row must come from exactly one
    worker with the same values. Whole arrays: rows are matched by a dense (key, window) id."""
    ref = reference.table
    per_worker = tuple(len(o.table["key"]) for o in outputs)
    order = order_violations(outputs)
    groups = len(ref["key"])
    tables = [o.table for o in outputs]
    emitted = {c: np.concatenate([t[c] for t in tables]) if tables else ref[c][:0] for c in ref}
    worker = np.repeat(np.arange(len(outputs), dtype=np.int64), per_worker)
    (ref_id, out_id), pairs = _pair_ids([ref["key"], emitted["key"]], [ref["window"], emitted["window"]])
    rows = np.bincount(out_id, minlength=pairs)
    seen = np.unique(out_id * max(len(outputs), 1) + worker) // max(len(outputs), 1)
    workers = np.bincount(seen, minlength=pairs)
    if plan.kind == "session":
        # Sessions of one key split over workers have different bounds: count split keys instead.
        placed = np.unique(np.stack([emitted["key"], worker]), axis=1)[0]  # key of each (key, worker)
        keys, spread = np.unique(placed, return_counts=True)
        split = keys[spread > 1]
        fragmented = int(np.isin(ref["key"], split).sum())
    else:
        fragmented = int((workers > 1).sum())
    duplicates = int(len(out_id) - np.count_nonzero(rows))
    # The emitted row of each pair emitted exactly once; -1 where none or several.
    only = np.full(pairs, -1, np.int64)
    single = rows[out_id] == 1
    only[out_id[single]] = np.flatnonzero(single)
    match = only[ref_id]
    matched = np.flatnonzero(match >= 0)
    at = match[matched]
    good = np.ones(len(matched), dtype=bool)
    for col in ref:
        if col not in _ID:
            good &= _same(ref[col][matched], emitted[col][at])
    wrong = groups - int(good.sum())
    in_ref = np.zeros(pairs, dtype=bool)
    in_ref[ref_id] = True
    extra = int(np.count_nonzero((rows > 0) & ~in_ref))
    ok = wrong == 0 and extra == 0 and not (plan.order_required and order)
    verdict = _verdict(plan, groups, wrong, duplicates, order, ok)
    return Correctness(groups, per_worker, fragmented, wrong, duplicates, extra, order, ok, verdict)


# One judge per operator kind; GROUP BY-like state (aggregate, window, session, analytic) by default.
# A new operator (e.g. a join: missing and extra matches) registers its own judge here.
JUDGES: dict[str, Judge] = {
    "stateless": _judge_stateless,
    "distinct": _judge_distinct,
    "top_n": _judge_top_n,
}


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
