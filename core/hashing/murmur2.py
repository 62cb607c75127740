"""Kafka's murmur2 (``Utils.murmur2``): the Java producer's key hash, scalar and column-at-a-time.

The Java client places a keyed record at ``(murmur2(key) & 0x7fffffff) % P``.

Kafka's own test vectors (``UtilsTest``) and librdkafka's (u32 bit patterns, empty key included):

>>> murmur2(b"21"), murmur2(b"foobar")
(-973932308, -790332482)
>>> kafka_partition(b"21", 7)
3
>>> hex(murmur2(b"kafka") & 0xFFFFFFFF), hex(murmur2(b"") & 0xFFFFFFFF)
('0xd067cf64', '0x106e08d9')
"""

from __future__ import annotations

import numpy as np

__all__ = ["murmur2", "kafka_partition", "murmur2_kernel", "M2_SEED", "M2_M"]

_U32 = 0xFFFFFFFF
M2_SEED, M2_M = 0x9747B28C, 0x5BD1E995


def murmur2(data: bytes) -> int:
    """Kafka's ``Utils.murmur2``: signed 32-bit result (a 3-byte tail mixes all three bytes).

    >>> murmur2(b"abc")
    479470107
    """
    length = len(data)
    h = (M2_SEED ^ length) & _U32
    body = length - (length & 3)
    for i in range(0, body, 4):
        k = (int.from_bytes(data[i : i + 4], "little") * M2_M) & _U32
        k ^= k >> 24
        k = (k * M2_M) & _U32
        h = ((h * M2_M) & _U32) ^ k
    tail = length & 3
    # Kafka's switch falls through: 3 bytes also mix in bytes 2 and 1, then multiply once.
    if tail == 3:
        h ^= data[body + 2] << 16
    if tail >= 2:
        h ^= data[body + 1] << 8
    if tail >= 1:
        h = ((h ^ data[body]) * M2_M) & _U32
    h ^= h >> 13
    h = (h * M2_M) & _U32
    h ^= h >> 15
    return h - (1 << 32) if h & 0x80000000 else h


def kafka_partition(key: bytes, partitions: int) -> int:
    """The Java producer's partition for a keyed record (mask, not abs: Kafka's formula)."""
    return (murmur2(key) & 0x7FFFFFFF) % partitions


def murmur2_kernel(matrix: np.ndarray, length: int) -> np.ndarray:
    """murmur2 & 0x7fffffff of every row of a ``keys x length`` byte matrix (equal-length keys).

    >>> int(murmur2_kernel(np.frombuffer(b"21", np.uint8).reshape(1, 2), 2)[0]) == murmur2(b"21") & 0x7FFFFFFF
    True
    """
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
