"""MurmurHash3 x86 32-bit, seed 0, unsigned: Partition Lab's own routing hash (the ``mmh3`` package).

>>> mmh3_32(b"foo") == -156908512 & 0xFFFFFFFF
True
>>> mmh3_32(b"")
0
"""

from __future__ import annotations

import mmh3

__all__ = ["mmh3_32"]


def mmh3_32(data: bytes) -> int:
    """MurmurHash3 x86 32-bit, seed 0, unsigned."""
    return int(mmh3.hash(data, 0, signed=False))
