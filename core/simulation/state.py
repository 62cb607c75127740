"""Mergeable worker state: partial rows reduced by key with whole-array numpy operations.

A worker never updates state record by record. It appends the rows of each share and, once enough
are pending, reduces everything by key in one sort (``lexsort`` + ``reduceat``). Every reducer is
associative, so the result does not depend on how records were cut into batches: a worker that
receives all records of a key computes exactly what the reference computes for it. GROUP BY and
DISTINCT state over small key ids skips the sort altogether (:mod:`core.simulation.dense`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["Columns", "PartialTable", "SessionTable", "TopNTable", "Reducer"]

Columns = dict[str, np.ndarray]
Reducer = str  # "sum" | "min" | "max" | "first" | "last" | "descents"

# Reduce once this many rows are pending (and at least twice the live state): big enough that
# sorting amortizes, small enough that a share of raw rows never dominates memory.
_MIN_PENDING = 1 << 15
_ORDERED = ("first", "last", "descents")  # reducers that need rows in arrival order


def _concat(parts: list[Columns], names: tuple[str, ...]) -> Columns:
    return {n: np.concatenate([p[n] for p in parts]) for n in names}


def _group_starts(sorted_keys: list[np.ndarray], n: int) -> np.ndarray:
    """Indices where a new key begins in rows sorted by ``sorted_keys``."""
    change = np.zeros(n, dtype=bool)
    change[0] = True
    for k in sorted_keys:
        change[1:] |= k[1:] != k[:-1]
    return np.flatnonzero(change)


class _Buffered:
    """Rows buffered until they outnumber the reduced state twice over, then folded in by ``compact``.

    Folding in bulk keeps the sort-and-reduce cost per row low; subclasses say how to fold.
    """

    _names: tuple[str, ...]
    _size_column: str

    def __init__(self) -> None:
        self._pending: list[Columns] = []
        self._pending_rows = 0
        self._state: Columns | None = None

    def add(self, rows: Columns) -> None:
        n = len(rows[self._size_column])
        if n == 0:
            return
        self._pending.append(rows)
        self._pending_rows += n
        live = 0 if self._state is None else len(self._state[self._size_column])
        if self._pending_rows >= max(_MIN_PENDING, 2 * live):
            self.compact()

    def result(self) -> Columns:
        """The reduced state: one row per key (per session), sorted by key."""
        self.compact()
        if self._state is None:
            return {n: np.empty(0, dtype=np.int64) for n in self._names}
        return self._state

    def compact(self) -> None:
        raise NotImplementedError


class PartialTable(_Buffered):
    """Rows keyed by ``keys`` whose other columns reduce with ``reducers``.

    ``seq`` (the record's global arrival number) orders rows inside a key, which is what ``first``,
    ``last`` and ``descents`` (offsets that went backwards: ``first`` of a row <= ``last`` of the row
    before) mean; tables without such reducers neither need nor keep it. Keys and ``seq`` are int64.
    """

    def __init__(self, keys: tuple[str, ...], reducers: Mapping[str, Reducer]) -> None:
        super().__init__()
        self.keys = keys
        self.reducers = dict(reducers)
        ordered = any(how in _ORDERED for how in self.reducers.values())
        self._names = (*keys, *(("seq",) if ordered else ()), *self.reducers)
        self._size_column = keys[0]

    def __len__(self) -> int:
        return len(self.result()[self.keys[0]])

    def compact(self) -> None:
        if not self._pending:
            return
        parts = self._pending if self._state is None else [self._state, *self._pending]
        rows = _concat(parts, self._names)
        self._pending, self._pending_rows = [], 0
        self._state = self._reduce(rows)

    def _reduce(self, rows: Columns) -> Columns:
        # Rows are concatenated oldest first (state, then pending shares in arrival order) and both
        # sorts are stable, so arrival order inside each key survives without sorting on seq.
        if len(self.keys) == 1:
            order = _stable_order(rows[self.keys[0]])
        else:
            order = np.lexsort(tuple(reversed([rows[k] for k in self.keys])))
        srt = {n: c[order] for n, c in rows.items()}
        n = len(order)
        starts = _group_starts([srt[k] for k in self.keys], n)
        ends = np.append(starts[1:], n) - 1
        out: Columns = {k: srt[k][starts] for k in self.keys}
        if "seq" in srt:
            out["seq"] = srt["seq"][ends]
        for name, how in self.reducers.items():
            out[name] = _reduce_column(srt, name, how, starts, ends)
        return out


def _stable_order(key: np.ndarray) -> np.ndarray:
    """``argsort(key, kind="stable")``, faster: sort ``key << bits | position`` as plain values.

    Positions make every value unique, so the (SIMD) unstable sort gives the stable order; used
    when the key and the positions fit in 63 bits together, which dense key ids always do.
    """
    n = len(key)
    bits = max(1, int(n).bit_length())
    if n and key.min() >= 0 and int(key.max()) < (1 << (62 - bits)):
        packed = np.sort((key << bits) | np.arange(n, dtype=np.int64))
        return packed & ((1 << bits) - 1)
    return np.argsort(key, kind="stable")


def _reduce_column(srt: Columns, name: str, how: Reducer, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    col = srt[name]
    if how == "sum":
        return np.add.reduceat(col, starts)
    if how == "min":
        return np.fmin.reduceat(col, starts)  # fmin/fmax: a NaN value never wins (SQL ignores NULL)
    if how == "max":
        return np.fmax.reduceat(col, starts)
    if how == "first":
        return col[starts]
    if how == "last":
        return col[ends]
    if how == "descents":
        # Own descents plus one per row whose first offset is not above the previous row's last.
        first, last = srt[name + ":first"], srt[name + ":last"]
        back = np.zeros(len(col), dtype=np.int64)
        back[1:] = first[1:] <= last[:-1]
        back[starts] = 0  # the first row of a key has no predecessor inside the key
        return np.add.reduceat(col + back, starts)
    raise ValueError(f"unknown reducer {how!r}")


class SessionTable(_Buffered):
    """Session windows per key: rows are intervals ``[start, end]`` merged when the gap <= ``gap_ms``.

    Merging intervals is associative, so sessions built from any split of a key's records into
    batches equal the sessions of all its records at once.
    """

    def __init__(self, gap_ms: int, reducers: Mapping[str, Reducer]) -> None:
        super().__init__()
        self.gap_ms = int(gap_ms)
        self.reducers = dict(reducers)
        self._names = ("key", "start", "end", "seq", *self.reducers)
        self._size_column = "seq"

    def compact(self) -> None:
        if not self._pending:
            return
        parts = self._pending if self._state is None else [self._state, *self._pending]
        rows = _concat(parts, self._names)
        self._pending, self._pending_rows = [], 0
        order = np.lexsort((rows["end"], rows["start"], rows["key"]))
        srt = {n: c[order] for n, c in rows.items()}
        n = len(order)
        key_start = _group_starts([srt["key"]], n)
        key_rank = np.zeros(n, dtype=np.int64)
        key_rank[key_start[1:]] = 1
        key_rank = np.cumsum(key_rank)
        # Latest end seen so far inside the key: a new session starts when this interval begins
        # more than the gap after every earlier interval of the key has ended.
        reach = pd.Series(srt["end"]).groupby(key_rank).cummax().to_numpy()
        new = np.zeros(n, dtype=bool)
        new[key_start] = True
        new[1:] |= srt["start"][1:] > reach[:-1] + self.gap_ms
        starts = np.flatnonzero(new)
        ends = np.append(starts[1:], n) - 1
        out: Columns = {
            "key": srt["key"][starts],
            "start": srt["start"][starts],
            "end": np.maximum.reduceat(srt["end"], starts),
            "seq": np.maximum.reduceat(srt["seq"], starts),
        }
        for name, how in self.reducers.items():
            out[name] = _reduce_column(srt, name, how, starts, ends)
        self._state = out


class TopNTable(_Buffered):
    """The ``n`` best rows of each ``(key, window)`` partition: rows ``key``, ``window``, ``score``, ``seq``.

    Best = highest ``score`` when ``descending`` (else lowest), NULL (NaN) scores last, ties to the
    lower ``seq`` (earlier arrival): a total order, so keeping the n best of any split of a
    partition's rows and then the n best of those equals the n best of all of them. State stays
    at n rows per partition seen.
    """

    def __init__(self, n: int, descending: bool) -> None:
        super().__init__()
        self.n = int(n)
        self.descending = descending
        self._names = ("key", "window", "score", "seq")
        self._size_column = "seq"

    def compact(self) -> None:
        if not self._pending:
            return
        parts = self._pending if self._state is None else [self._state, *self._pending]
        rows = _concat(parts, self._names)
        self._pending, self._pending_rows = [], 0
        score = -rows["score"] if self.descending else rows["score"]
        score = np.where(np.isnan(score), np.inf, score)
        order = np.lexsort((rows["seq"], score, rows["window"], rows["key"]))
        srt = {n: c[order] for n, c in rows.items()}
        count = len(order)
        starts = _group_starts([srt["key"], srt["window"]], count)
        sizes = np.diff(np.append(starts, count))
        rank = np.arange(count) - np.repeat(starts, sizes)
        keep = rank < self.n
        self._state = {n: c[keep] for n, c in srt.items()}

    def ranked(self) -> Columns:
        """The kept rows in (key, window, rank) order with their 1-based ``rank``."""
        state = self.result()
        count = len(state["seq"])
        if not count:
            return {**state, "rank": np.empty(0, np.int64)}
        starts = _group_starts([state["key"], state["window"]], count)
        sizes = np.diff(np.append(starts, count))
        return {**state, "rank": np.arange(count) - np.repeat(starts, sizes) + 1}
