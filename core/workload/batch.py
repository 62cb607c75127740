"""The columnar batch every source yields and every strategy routes.

Categorical columns travel as integer codes into a per-column vocabulary, so hashing touches each
distinct key once (hash the vocabulary, gather by code). Numeric columns are plain numpy arrays.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Batch"]


@dataclass
class Batch:
    """One chunk of source records, in source order.

    ``partition`` (int32), ``offset`` (int64) and ``event_time`` (int64, ms) always have the batch's
    length. ``codes[c]`` (int32/int64) indexes ``vocab[c]`` (object array of str) for categorical
    column ``c``; ``values[c]`` holds numeric columns (float64/int64).
    """

    partition: np.ndarray
    offset: np.ndarray
    event_time: np.ndarray
    codes: dict[str, np.ndarray] = field(default_factory=dict)
    vocab: dict[str, np.ndarray] = field(default_factory=dict)
    values: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.partition.shape[0])

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.codes, *self.values)

    def strings(self, column: str) -> np.ndarray:
        """The categorical column as decoded strings (slow path: for tests and small traces)."""
        return self.vocab[column][self.codes[column]]
