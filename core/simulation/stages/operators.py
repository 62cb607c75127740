"""What each operator of a replayed plan emits, as weighted distinct rows (:class:`Rows`).

Counts of final results, no retractions:

* ``join``: its matches — every pair of a left and a right record with equal join keys (inner);
  outer joins add the unmatched rows of the kept side(s) with NULLs; semi/anti keep the left rows
  that do / do not find a partner; a temporal (``FOR SYSTEM_TIME AS OF``) join matches each left
  record with one version of its key, and so does a side read from a table whose primary key is
  the join key (upserts keep one row per key). Interval bounds are not modelled (equi keys only);
  a join without an equi key yields its candidate pairs (every left × right record).
* ``aggregate``: its update stream. Without a window, or under ``EMIT CHANGES`` or a session
  window, one update per input record (keyed by the group); a tumbling/hopping window with final
  emission (Flink's window TVFs, ``EMIT FINAL``, the default for windows here) emits one row per
  group and window.
* ``distinct`` / ``union``: one row per distinct value; ``limit`` / ``sort_limit``: at most n rows;
* every other operator passes its rows through (``rank`` emits at most one update per input row:
  that upper bound is what is replayed).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.errors import InvalidConfigError
from core.simulation.stages.table import NULL_ID, Rows, pack

__all__ = ["join_rows", "aggregate_rows", "limit_rows", "first_per_key", "SLOT", "MAX_JOIN_ROWS"]

# Distinct (left row, right row) combinations one join may expand to (memory: ~8 bytes × columns each).
MAX_JOIN_ROWS = 20_000_000
SLOT = "__window_slot__"  # event time // slot length: which (tumbling / hopping) window slot a record is in


def _keys_of(left: Rows, right: Rows, lcols: Sequence[str], rcols: Sequence[str]) -> tuple[np.ndarray,
                                                                                          np.ndarray]:
    """One int64 per row on each side, equal exactly where the join keys are equal (one joint packing)."""
    n = len(left)
    if not lcols:  # no equi key: every pair is a candidate
        return np.zeros(n, np.int64), np.zeros(len(right), np.int64)
    both = [np.concatenate([left.column(a), right.column(b)]) for a, b in zip(lcols, rcols, strict=True)]
    key = pack(both)
    lk, rk = key[:n], key[n:]
    # NULL keys never match: give each a key of its own, outside the packed range.
    lnull = np.zeros(n, dtype=bool)
    rnull = np.zeros(len(right), dtype=bool)
    for a, b in zip(lcols, rcols, strict=True):
        lnull |= left.column(a) == NULL_ID
        rnull |= right.column(b) == NULL_ID
    top = int(key.max()) + 1 if len(key) else 0
    lk = np.where(lnull, top + np.arange(n), lk)
    rk = np.where(rnull, top + n + np.arange(len(right)), rk)
    return lk, rk


def _gather(rows: Rows, index: np.ndarray) -> dict[str, np.ndarray]:
    return {name: col[index] for name, col in rows.columns.items()}


def _nulls(rows: Rows, n: int) -> dict[str, np.ndarray]:
    return {name: np.full(n, NULL_ID, np.int64) for name in rows.columns}


def _join_kind(detail: str) -> str:
    words = detail.lower().split(" on ")[0].split()
    for kind in ("semi", "anti", "full", "left", "right", "temporal"):
        if kind in words:
            return kind
    return "inner"


def first_per_key(rows: Rows, cols: Sequence[str]) -> Rows:
    """One row (weight 1) per distinct key of ``cols``, keeping that row's other columns: a side keyed
    by its primary key keeps one version of each key (an upsert replaces the previous one)."""
    if not len(rows):
        return rows
    _, first = np.unique(pack([rows.column(c) for c in cols]), return_index=True)
    return Rows({k: v[first] for k, v in rows.columns.items()}, np.ones(len(first), np.int64))


def join_rows(left: Rows, right: Rows, lcols: Sequence[str], rcols: Sequence[str], detail: str,
              versioned: tuple[bool, bool] = (False, False)) -> Rows:
    """A join's output rows (see the module docstring for what each kind emits); ``versioned[i]``:
    side ``i`` is a table keyed by the join key (a primary key), so it holds one row per key."""
    kind = _join_kind(detail)
    if kind == "temporal" or versioned[1]:
        right = first_per_key(right, rcols)  # one version of each key: one partner per left record
    if versioned[0]:
        left = first_per_key(left, lcols)
    lk, rk = _keys_of(left, right, lcols, rcols)
    order = np.argsort(rk, kind="stable")
    rs = rk[order]
    lo, hi = np.searchsorted(rs, lk, "left"), np.searchsorted(rs, lk, "right")
    count = hi - lo
    pairs = int(count.sum())
    if pairs > MAX_JOIN_ROWS:
        raise InvalidConfigError(
            f"the {detail} would expand to {pairs:,} distinct row combinations (more than "
            f"{MAX_JOIN_ROWS:,}): the columns later stages read take too many values per join key; lower "
            "--keys or --records")
    if kind in ("semi", "anti"):
        keep = count > 0 if kind == "semi" else count == 0
        return Rows(_gather(left, np.flatnonzero(keep)), left.weights[keep]).project(left.names)
    li = np.repeat(np.arange(len(left)), count)
    # Right row positions lo..hi-1 for every left row, without a Python loop.
    starts = np.repeat(lo - np.concatenate([[0], np.cumsum(count)[:-1]]), count)
    ri = order[starts + np.arange(len(li))] if len(li) else np.zeros(0, np.int64)
    cols = {**_gather(left, li), **_gather(right, ri)}
    parts = [Rows(cols, left.weights[li] * right.weights[ri])]
    if kind in ("left", "full"):
        miss = np.flatnonzero(count == 0)
        parts.append(Rows({**_gather(left, miss), **_nulls(right, len(miss))}, left.weights[miss]))
    if kind in ("right", "full"):
        miss = np.flatnonzero(~np.isin(rk, lk))
        parts.append(Rows({**_nulls(left, len(miss)), **_gather(right, miss)}, right.weights[miss]))
    return Rows.concat(parts)


def aggregate_rows(rows: Rows, groups: Sequence[str], *, final: bool, windows_per_slot: int = 1) -> Rows:
    """An aggregate's update stream: one row per input record, or (``final``) one per group and window.

    ``windows_per_slot``: how many hopping windows cover one slot (``size / advance``; 1 = tumbling).
    """
    keys = [*groups, SLOT] if SLOT in rows.columns else list(groups)
    if not final or SLOT not in rows.columns:
        return rows.project(keys)
    grouped = rows.distinct(keys)
    if windows_per_slot > 1:
        n = len(grouped)
        shift = np.tile(np.arange(windows_per_slot, dtype=np.int64), n)
        cols = {k: np.repeat(v, windows_per_slot) for k, v in grouped.columns.items()}
        cols[SLOT] = cols[SLOT] - shift  # the windows that start at or before the slot and cover it
        grouped = Rows(cols, np.ones(len(shift), np.int64)).distinct(keys)
    return grouped


def limit_rows(rows: Rows, limit: int | None) -> Rows:
    """The first ``limit`` records (rows in their table order; weights cut at the limit)."""
    if limit is None or rows.total <= limit:
        return rows
    before = np.concatenate([[0], np.cumsum(rows.weights)[:-1]])
    kept = np.clip(limit - before, 0, rows.weights)
    mask = kept > 0
    return Rows({k: v[mask] for k, v in rows.columns.items()}, kept[mask].astype(np.int64))
