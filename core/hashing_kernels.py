"""Column-at-a-time numpy kernels of Kafka's murmur2 and FNV-1a over many keys at once.

Keys are grouped by length, each group laid out as a ``keys x length`` byte matrix, and the hash
runs one byte column (or 4-byte block) at a time over every key of the group. Results equal the
scalar functions of :mod:`core.hashing` bit for bit (its tests check it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = ["hash_by_length", "murmur2_kernel", "fnv1a64_kernel",
           "M2_SEED", "M2_M", "FNV_OFFSET", "FNV_PRIME"]

_U32 = 0xFFFFFFFF
M2_SEED, M2_M = 0x9747B28C, 0x5BD1E995
FNV_OFFSET, FNV_PRIME = 0xCBF29CE484222325, 0x100000001B3


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


def murmur2_kernel(matrix: np.ndarray, length: int) -> np.ndarray:
    m = np.uint32(M2_M)
    h = np.full(matrix.shape[0], (M2_SEED ^ length) & _U32, dtype=np.uint32)
    body = length - (length & 3)
    if body:
        blocks = np.ascontiguousarray(matrix[:, :body]).view("<u4").astype(np.uint32)
        for j in range(blocks.shape[1]):
            k = blocks[:, j] * m
            k ^= k >> np.uint32(24)
            k *= m
            h *= m
            h ^= k
    tail = length & 3
    if tail == 3:
        h ^= matrix[:, body + 2].astype(np.uint32) << np.uint32(16)
    if tail >= 2:
        h ^= matrix[:, body + 1].astype(np.uint32) << np.uint32(8)
    if tail >= 1:
        h ^= matrix[:, body].astype(np.uint32)
        h *= m
    h ^= h >> np.uint32(13)
    h *= m
    h ^= h >> np.uint32(15)
    return h & np.uint32(0x7FFFFFFF)


def fnv1a64_kernel(matrix: np.ndarray, length: int) -> np.ndarray:
    h = np.full(matrix.shape[0], FNV_OFFSET, dtype=np.uint64)
    prime = np.uint64(FNV_PRIME)
    for j in range(length):
        h ^= matrix[:, j].astype(np.uint64)
        h *= prime  # wraps modulo 2**64, exactly FNV's arithmetic
    return h

