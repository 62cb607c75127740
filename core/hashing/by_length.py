"""Many keys at once: equal-length keys laid out as byte matrices for the column-at-a-time kernels.

Keys are grouped by length, each group laid out as a ``keys x length`` byte matrix, and a kernel
(:func:`core.hashing.murmur2.murmur2_kernel`, :func:`core.hashing.fnv1a64.fnv1a64_kernel`) runs one
byte column (or 4-byte block) at a time over every key of the group. Results equal the scalar
functions bit for bit (tests/hashing/test_hashing.py checks it).

>>> from core.hashing.fnv1a64 import fnv1a64, fnv1a64_kernel
>>> keys = [b"a", b"bc", b"d"]
>>> hash_by_length(keys, fnv1a64_kernel, np.uint64).tolist() == [fnv1a64(k) for k in keys]
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = ["hash_by_length"]


def _length_groups(keys: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All keys in one byte buffer, with start offsets and lengths (for per-length matrices)."""
    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    starts = np.zeros(len(keys), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    buffer = np.frombuffer(b"".join(keys), dtype=np.uint8)
    return buffer, starts, lengths


def hash_by_length(keys: Sequence[bytes], kernel: Callable[[np.ndarray, int], np.ndarray],
                    dtype: type[np.unsignedinteger[Any]]) -> np.ndarray:
    """Apply a column-at-a-time kernel to each group of equal-length keys (exact, bounded memory)."""
    out = np.empty(len(keys), dtype=dtype)
    buffer, starts, lengths = _length_groups(keys)
    for length in np.unique(lengths).tolist():
        idx = np.flatnonzero(lengths == length)
        matrix = buffer[starts[idx, None] + np.arange(length)]
        out[idx] = kernel(matrix, length)
    return out
