"""A weighted table of distinct rows: what flows between the stages of a replayed plan.

A stage's input is never kept record by record: only its distinct rows over the columns later
stages read (each column an int64 id into its domain, ``-1`` for NULL), each with the number of
records it stands for. Memory is bounded by the distinct combinations, not by the records.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Rows", "NULL_ID", "pack"]

NULL_ID = -1
_SAFE = 1 << 62


def pack(columns: Sequence[np.ndarray]) -> np.ndarray:
    """One int64 per row identifying the combination of ``columns`` (ids >= -1); dense ids if the
    mixed radix would overflow.

    Each id is shifted by one (NULL, -1, becomes 0) and the columns are mixed-radix digits, the first
    the lowest: (0, 2) → 1 + 3·3 = 10.

    >>> pack([np.array([0, 1, 1]), np.array([2, 0, 2])]).tolist()
    [10, 5, 11]
    """
    if not columns:
        return np.zeros(0, dtype=np.int64)
    n = len(columns[0])
    if not columns or n == 0:
        return np.zeros(n, dtype=np.int64)
    out = np.zeros(n, dtype=np.int64)
    radix = 1
    for col in columns:
        c = np.asarray(col, dtype=np.int64) + 1  # NULL (-1) becomes 0
        size = int(c.max()) + 1
        if radix * size >= _SAFE:
            # Too many combinations for one word: number them densely instead.
            _, inverse = np.unique(np.stack([np.asarray(x, np.int64) for x in columns], axis=1), axis=0,
                                   return_inverse=True)
            return inverse.reshape(-1).astype(np.int64)
        out += c * radix
        radix *= size
    return out


@dataclass(frozen=True)
class Rows:
    """Distinct rows (``columns[name][i]`` is row ``i``'s id in column ``name``) with ``weights``."""

    columns: Mapping[str, np.ndarray]
    weights: np.ndarray

    @staticmethod
    def empty(names: Sequence[str]) -> Rows:
        return Rows({n: np.zeros(0, np.int64) for n in names}, np.zeros(0, np.int64))

    def __len__(self) -> int:
        return int(self.weights.shape[0])

    @property
    def total(self) -> int:
        return int(self.weights.sum())

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.columns)

    def column(self, name: str) -> np.ndarray:
        """The column, or NULL for every row when this table does not carry it."""
        col = self.columns.get(name)
        return col if col is not None else np.full(len(self), NULL_ID, np.int64)

    def project(self, names: Sequence[str]) -> Rows:
        """The rows grouped by ``names`` (weights summed); missing columns are NULL."""
        names = tuple(dict.fromkeys(names))
        cols = [self.column(n) for n in names]
        if not names:
            return Rows({}, np.array([self.total], np.int64) if len(self) else np.zeros(0, np.int64))
        key = pack(cols)
        if not len(key):
            return Rows({n: np.zeros(0, np.int64) for n in names}, np.zeros(0, np.int64))
        # Sort once and sum each run of equal keys: exact int64 sums (no float weights).
        order = np.argsort(key, kind="stable")
        ks = key[order]
        starts = np.flatnonzero(np.concatenate(([True], ks[1:] != ks[:-1])))
        weights = np.add.reduceat(self.weights[order].astype(np.int64), starts)
        first = order[starts]
        return Rows({n: c[first] for n, c in zip(names, cols, strict=True)}, weights)

    def distinct(self, names: Sequence[str]) -> Rows:
        """One row (weight 1) per distinct combination of ``names``."""
        grouped = self.project(names)
        return Rows(grouped.columns, np.ones(len(grouped), np.int64))

    def scaled(self, factor: int) -> Rows:
        return Rows(self.columns, self.weights * int(factor))

    @staticmethod
    def concat(parts: Sequence[Rows]) -> Rows:
        """All rows of ``parts`` (columns a part lacks are NULL), regrouped."""
        names = tuple(dict.fromkeys(n for p in parts for n in p.names))
        if not parts:
            return Rows.empty(())
        cols = {n: np.concatenate([p.column(n) for p in parts]) for n in names}
        weights = np.concatenate([p.weights for p in parts])
        return Rows(cols, weights).project(names)
