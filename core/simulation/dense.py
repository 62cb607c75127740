"""Per-key state kept in arrays indexed by the key id itself: no sort, no pending rows.

Most simulated keys are small dense ids (a categorical column's codes), so a worker's GROUP BY state
can live at ``state[name][key]`` and each share is folded in with ``ufunc.at`` — a few linear passes
where the sorted :class:`~core.simulation.state.PartialTable` concatenates, sorts and gathers every
column. Only order-free reducers qualify (``sum``, ``min``, ``max``). Once the ids stop being small
next to the rows seen (wide packed keys, a few records over millions of keys) the state moves to a
``PartialTable`` for good, so memory stays proportional to what the worker received.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from core.simulation.state import Columns, PartialTable, Reducer

__all__ = ["DenseTable", "dense_capable"]

_DENSE = ("sum", "min", "max")
# Dense arrays may span at most this many ids per row received (plus a floor for the first shares):
# beyond that a sorted table of the rows themselves is the smaller state. The floor is below what a
# sorted table buffers before its first reduction (1 << 15 pending rows of several columns), so it
# never costs more memory; lower, a worker whose first shares are small (many workers, 10,000 keys)
# left dense state for good and sorted every share for the rest of the run.
_IDS_PER_ROW = 4
_FLOOR = 1 << 14


def _start(how: Reducer, dtype: np.dtype) -> float | int:
    if how == "sum":
        return 0
    if dtype.kind == "f":
        # ±inf, not NaN: the plain minimum/maximum loops (twice as fast as fmin/fmax) then need no
        # NaN handling for shares without NULLs; ``result`` turns an untouched ±inf back into NaN.
        return np.inf if how == "min" else -np.inf
    info = np.iinfo(dtype)
    return info.max if how == "min" else info.min


def _fold_extreme(target: np.ndarray, key: np.ndarray, column: np.ndarray, how: Reducer) -> None:
    """``target[key] = min/max(target[key], column)``, NULL (NaN) values ignored."""
    nulls = column.dtype.kind == "f" and bool(np.isnan(column).any())
    if how == "min":
        (np.fmin if nulls else np.minimum).at(target, key, column)
    else:
        (np.fmax if nulls else np.maximum).at(target, key, column)


def dense_capable(keys: tuple[str, ...], reducers: Mapping[str, Reducer]) -> bool:
    """True when a :class:`DenseTable` computes exactly what ``PartialTable(keys, reducers)`` does."""
    return keys == ("key",) and all(how in _DENSE for how in reducers.values())


class DenseTable:
    """``PartialTable(("key",), reducers)`` for sum/min/max reducers, stored densely by key id.

    Sums fold each share in arrival order and min/max ignore NaN, so for a given sequence of shares
    the result is deterministic to the last bit — the same in a worker process as inline.
    ``count`` names a sum reducer that adds one per row (its state > 0 marks the keys seen, so no
    separate mask is kept).
    """

    def __init__(self, reducers: Mapping[str, Reducer], count: str | None = None) -> None:
        self.reducers = dict(reducers)
        self._count = count
        self._rows = 0
        self._size = 0
        self._seen = np.zeros(0, dtype=bool)
        self._state: Columns = {}
        # Sum reducers fed the very same array as an earlier one since the first share (a non-null
        # count over a column without NULLs is the row count) share its state until they diverge.
        self._twins: dict[str, str] = {}
        self._sparse: PartialTable | None = None

    def add(self, rows: Columns) -> None:
        if self._sparse is not None:
            self._sparse.add(rows)
            return
        key = rows["key"]
        if len(key) == 0:
            return
        first = self._rows == 0
        self._rows += len(key)
        low, high = int(key.min()), int(key.max())
        if low < 0 or high >= max(_FLOOR, _IDS_PER_ROW * self._rows):
            self._to_sparse().add(rows)
            return
        if first:
            self._start(rows)
        if high >= self._size:
            self._grow(high + 1)
        if self._count is None:
            self._seen[key] = True
        for name, twin in list(self._twins.items()):
            if rows[name] is not rows[twin]:  # diverged: own state from here on, as it stood before
                del self._twins[name]
                self._state[name] = self._state[twin].copy()
        for name, how in self.reducers.items():
            if name in self._twins:
                continue
            target = self._state[name]
            if how == "sum":
                np.add.at(target, key, rows[name])
            else:
                _fold_extreme(target, key, rows[name], how)

    def _start(self, rows: Columns) -> None:
        """Columns typed like the first share's (sized by ``_grow``), twins found by identity."""
        fed: dict[int, str] = {}
        for name, how in self.reducers.items():
            column = rows[name]
            if how == "sum" and id(column) in fed:
                self._twins[name] = fed[id(column)]
                continue
            if how == "sum":
                fed[id(column)] = name
            self._state[name] = np.full(self._size, _start(how, column.dtype), dtype=column.dtype)

    def _grow(self, size: int) -> None:
        # Geometric growth: a trace whose vocabulary grows batch by batch copies O(ids) in total.
        size = max(size, 2 * self._size)
        old, self._size = self._size, size
        if self._count is None:
            seen = np.zeros(size, dtype=bool)
            seen[:old] = self._seen
            self._seen = seen
        for name, column in self._state.items():
            grown = np.full(size, _start(self.reducers[name], column.dtype), dtype=column.dtype)
            grown[:old] = column
            self._state[name] = grown

    def _to_sparse(self) -> PartialTable:
        table = PartialTable(("key",), self.reducers)
        current = self.result()
        if len(current["key"]):
            table.add(current)
        self._sparse, self._state, self._seen, self._twins = table, {}, np.zeros(0, dtype=bool), {}
        return table

    def compact(self) -> None:
        if self._sparse is not None:
            self._sparse.compact()

    def result(self) -> Columns:
        """One row per key seen, sorted by key (``PartialTable.result``'s shape)."""
        if self._sparse is not None:
            return self._sparse.result()
        if not self._state and not self._seen.any():
            return {"key": np.empty(0, np.int64), **{n: np.empty(0, np.int64) for n in self.reducers}}
        count = self._twins.get(self._count, self._count) if self._count is not None else None
        seen = self._seen if count is None else self._state[count] > 0
        keys = np.flatnonzero(seen).astype(np.int64)
        out: Columns = {"key": keys}
        for name, how in self.reducers.items():
            values = self._state[self._twins.get(name, name)][keys]
            if how != "sum" and values.dtype.kind == "f":
                # Still at its start value: the key only ever saw NULLs (±inf never comes from data
                # here: synthetic values are finite and traces are CSV/JSON/Parquet numbers).
                values = np.where(np.isinf(values), np.nan, values)
            out[name] = values
        return out

    def __len__(self) -> int:
        return len(self.result()["key"])
