"""Stable int64 ids for key columns, so workers group by one integer instead of tuples of strings.

Both sources keep a column's codes stable for the whole run (synthetic topics share one vocabulary;
traces grow theirs), so a single categorical column's codes already are the id. Several columns are
packed two at a time into 64 bits; a value too wide to pack is first renumbered densely with a
per-run dictionary (done per distinct value of a batch, never per record).
"""

from __future__ import annotations

import numpy as np

from core.errors import InvalidConfigError
from core.workload.batch import Batch

__all__ = ["KeyEncoder", "pack"]

_HALF = 1 << 31


class _Dense:
    """Renumbers arbitrary int64 values 0, 1, 2, ... in order of first appearance."""

    def __init__(self) -> None:
        self.ids: dict[int, int] = {}

    def __call__(self, values: np.ndarray) -> np.ndarray:
        distinct, inverse = np.unique(values, return_inverse=True)
        ids = self.ids
        table = np.fromiter((ids.setdefault(v, len(ids)) for v in distinct.tolist()),
                            dtype=np.int64, count=len(distinct))
        return table[inverse.reshape(-1)]


def _narrow(values: np.ndarray, dense: _Dense) -> np.ndarray:
    if len(values) and (values.min() < 0 or values.max() >= _HALF):
        return dense(values)
    return values


def pack(high: np.ndarray, low: np.ndarray, dense: tuple[_Dense, _Dense]) -> np.ndarray:
    """One int64 per pair, unique per distinct pair for the whole run."""
    return (_narrow(high, dense[0]) << 32) | _narrow(low, dense[1])


class KeyEncoder:
    """Encodes the values of ``columns`` of each batch as one int64 id per record (0 without columns)."""

    def __init__(self, columns: tuple[str, ...]) -> None:
        self.columns = columns
        self._dense = [(_Dense(), _Dense()) for _ in columns[1:]]
        self._stream_dense = (_Dense(), _Dense())

    def column_ids(self, batch: Batch, column: str) -> np.ndarray:
        if column in batch.codes:
            return batch.codes[column].astype(np.int64, copy=False)
        if column in batch.values:
            v = np.asarray(batch.values[column])
            if v.dtype.kind == "f":
                # Bit patterns identify float values exactly; +0.0 and -0.0 are one SQL value.
                return (v + 0.0).astype(np.float64).view(np.int64)
            return v.astype(np.int64, copy=False)
        raise InvalidConfigError(
            f"column {column!r} is not in the source; available: {', '.join(batch.columns) or '(none)'}"
        )

    def encode(self, batch: Batch) -> np.ndarray:
        if not self.columns:
            return np.zeros(len(batch), dtype=np.int64)
        ids = self.column_ids(batch, self.columns[0])
        for i, column in enumerate(self.columns[1:]):
            ids = pack(ids, self.column_ids(batch, column), self._dense[i])
        return ids

    def stream(self, key: np.ndarray, partition: np.ndarray) -> np.ndarray:
        """Id of the (key, source partition) stream whose offsets must arrive increasing."""
        return pack(key, partition.astype(np.int64, copy=False), self._stream_dense)
