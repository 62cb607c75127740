"""Bucket hashes by name: one key's bytes → a non-negative integer whose ``% W`` is the worker.

``HASH_FUNCTIONS`` names the four algorithms; :func:`bucket_hash` and :func:`worker_of` are the
scalar forms every vectorized path must agree with, :func:`hash_many` the form over many keys
(column kernels for murmur2 and FNV-1a once there are enough keys).

>>> bucket_hash("murmur2", b"21") == murmur2(b"21") & 0x7FFFFFFF
True
>>> worker_of(["trader", "_1"], 8, "fnv1a64") == fnv1a64(b"trader_1") % 8
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from core.errors import InvalidConfigError
from core.hashing.by_length import hash_by_length
from core.hashing.crc32 import crc32
from core.hashing.fnv1a64 import fnv1a64, fnv1a64_kernel
from core.hashing.keys import KEY_SERIALIZATIONS, display_string, join_parts, serialize_key
from core.hashing.mmh3 import mmh3_32
from core.hashing.murmur2 import murmur2, murmur2_kernel

__all__ = ["HASH_FUNCTIONS", "check_names", "bucket_hash", "key_bytes", "worker_of", "hash_many"]

HASH_FUNCTIONS: tuple[str, ...] = ("murmur2", "crc32", "fnv1a64", "mmh3")
# Below this many keys the per-key Python loop beats building byte matrices.
_VECTOR_MIN_KEYS = 64

_BUCKET: dict[str, Callable[[bytes], int]] = {
    "murmur2": lambda b: murmur2(b) & 0x7FFFFFFF,
    "crc32": crc32,
    "fnv1a64": fnv1a64,
    "mmh3": mmh3_32,
}


def check_names(hash_name: str, kind: str) -> None:
    """Refuse an unknown hash function or key serialization, listing the valid ones."""
    if hash_name not in _BUCKET:
        raise InvalidConfigError(
            f"unknown hash function {hash_name!r}; valid: {', '.join(HASH_FUNCTIONS)}"
        )
    if kind not in KEY_SERIALIZATIONS:
        raise InvalidConfigError(
            f"unknown key serialization {kind!r}; valid: {', '.join(KEY_SERIALIZATIONS)}"
        )


def bucket_hash(hash_name: str, data: bytes) -> int:
    """Non-negative hash of ``data`` whose ``% W`` is the worker under ``hash_name``."""
    check_names(hash_name, "string")
    return _BUCKET[hash_name](data)


def key_bytes(values: Sequence[Any], hash_name: str = "mmh3", kind: str = "string") -> bytes:
    """The bytes hashed for one record's routing-key values (rules in :mod:`core.hashing.keys`)."""
    check_names(hash_name, kind)
    if hash_name == "fnv1a64":
        return "".join(display_string(v) for v in values).encode("utf-8")
    return join_parts(hash_name, [serialize_key(v, kind) for v in values])


def worker_of(values: Sequence[Any], workers: int, hash_name: str = "mmh3", kind: str = "string") -> int:
    """Scalar worker for one record's key values; the vectorized forms must agree with it."""
    return _BUCKET[hash_name](key_bytes(values, hash_name, kind)) % workers


def hash_many(hash_name: str, keys: Sequence[bytes]) -> np.ndarray:
    """Bucket hashes of many keys: uint64 for fnv1a64, uint32 otherwise."""
    dtype = np.uint64 if hash_name == "fnv1a64" else np.uint32
    if hash_name in ("murmur2", "fnv1a64") and len(keys) >= _VECTOR_MIN_KEYS:
        kernel = murmur2_kernel if hash_name == "murmur2" else fnv1a64_kernel
        return hash_by_length(keys, kernel, dtype)
    fn = _BUCKET[hash_name]
    return np.fromiter((fn(k) for k in keys), dtype=dtype, count=len(keys))
