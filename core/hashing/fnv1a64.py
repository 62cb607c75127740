"""64-bit FNV-1a, Velostream's engine hash, scalar and column-at-a-time.

>>> hex(fnv1a64(b"trader_1"))
'0x1bcc3d5c25588c41'
>>> fnv1a64(b"") == FNV_OFFSET
True
"""

from __future__ import annotations

import numpy as np

__all__ = ["fnv1a64", "fnv1a64_kernel", "FNV_OFFSET", "FNV_PRIME"]

_U64 = 0xFFFFFFFFFFFFFFFF
FNV_OFFSET, FNV_PRIME = 0xCBF29CE484222325, 0x100000001B3


def fnv1a64(data: bytes) -> int:
    """Unsigned 64-bit FNV-1a (Velostream's engine hash).

    >>> hex(fnv1a64(b"a"))
    '0xaf63dc4c8601ec8c'
    """
    h = FNV_OFFSET
    for byte in data:
        h = ((h ^ byte) * FNV_PRIME) & _U64
    return h


def fnv1a64_kernel(matrix: np.ndarray, length: int) -> np.ndarray:
    """FNV-1a of every row of a ``keys x length`` byte matrix (equal-length keys)."""
    h = np.full(matrix.shape[0], FNV_OFFSET, dtype=np.uint64)
    prime = np.uint64(FNV_PRIME)
    for j in range(length):
        h ^= matrix[:, j].astype(np.uint64)
        h *= prime  # wraps modulo 2**64, exactly FNV's arithmetic
    return h
