"""Murmur3 x86 32 building blocks over numpy uint32 arrays (Flink's and Spark's hashes use them).

All arithmetic is uint32 and wraps like Java's ``int``; callers reinterpret the result as signed
where the engine does. One element per distinct key, so a whole vocabulary is hashed in a few
array operations per 4-byte word.
"""

from __future__ import annotations

import numpy as np

__all__ = ["C1", "C2", "mix_k1", "mix_h1", "fmix", "hash_words", "to_signed"]

C1, C2 = np.uint32(0xCC9E2D51), np.uint32(0x1B873593)
_FIVE, _N = np.uint32(5), np.uint32(0xE6546B64)


def _rotl(x: np.ndarray, r: int) -> np.ndarray:
    return (x << np.uint32(r)) | (x >> np.uint32(32 - r))


def mix_k1(k: np.ndarray) -> np.ndarray:
    k = k.astype(np.uint32) * C1
    return _rotl(k, 15) * C2


def mix_h1(h: np.ndarray, k: np.ndarray) -> np.ndarray:
    h = h ^ k
    return _rotl(h, 13) * _FIVE + _N


def fmix(h: np.ndarray, length: np.ndarray | int) -> np.ndarray:
    h = (h ^ np.asarray(length).astype(np.uint32)).astype(np.uint32)
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def hash_words(words: np.ndarray, seed: np.ndarray | int) -> np.ndarray:
    """The body rounds of murmur3 over a ``keys x words`` uint32 matrix (no final mix)."""
    h = np.broadcast_to(np.asarray(seed, dtype=np.uint32), (words.shape[0],)).copy()
    for j in range(words.shape[1]):
        h = mix_h1(h, mix_k1(words[:, j]))
    return h


def to_signed(h: np.ndarray) -> np.ndarray:
    """uint32 → the int32 Java would hold, widened to int64 (safe for ``%`` and ``abs``)."""
    return h.astype(np.uint32).view(np.int32).astype(np.int64)
