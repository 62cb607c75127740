"""CRC-32, librdkafka's default ``consistent_random`` partitioner (not Java-compatible).

>>> crc32(b"kafka") == 0x5BBC7517
True
>>> crc32_partition(b"kafka", 10)
9
"""

from __future__ import annotations

import zlib

__all__ = ["crc32", "crc32_partition"]


def crc32(data: bytes) -> int:
    """Unsigned CRC-32 of ``data`` (zlib's, the one librdkafka uses)."""
    return zlib.crc32(data)


def crc32_partition(key: bytes, partitions: int) -> int:
    """librdkafka's ``consistent_random`` partition for a keyed record (not Java-compatible)."""
    return zlib.crc32(key) % partitions
