"""Exact, process-stable key hashes (never Python's salted ``hash()``), scalar and vectorized.

One module per algorithm (:mod:`~core.hashing.murmur2`, :mod:`~core.hashing.crc32`,
:mod:`~core.hashing.fnv1a64`, :mod:`~core.hashing.mmh3`), how values become key bytes
(:mod:`~core.hashing.keys`), hashes by name (:mod:`~core.hashing.buckets`), the column kernels'
layout (:mod:`~core.hashing.by_length`), and hashing each distinct key once then gathering by code
(:mod:`~core.hashing.gather`, with its :mod:`~core.hashing.cache`). This file only re-exports.
"""

from __future__ import annotations

from core.hashing.buckets import HASH_FUNCTIONS, bucket_hash, key_bytes, worker_of
from core.hashing.cache import DEFAULT_CACHE, VocabHashCache
from core.hashing.crc32 import crc32_partition
from core.hashing.fnv1a64 import fnv1a64
from core.hashing.gather import hash_vocab, worker_ids, worker_ids_from_values
from core.hashing.keys import KEY_SERIALIZATIONS, display_string, serialize_key
from core.hashing.mmh3 import mmh3_32
from core.hashing.murmur2 import kafka_partition, murmur2

__all__ = [
    "HASH_FUNCTIONS",
    "KEY_SERIALIZATIONS",
    "DEFAULT_CACHE",
    "VocabHashCache",
    "murmur2",
    "kafka_partition",
    "fnv1a64",
    "crc32_partition",
    "mmh3_32",
    "serialize_key",
    "display_string",
    "key_bytes",
    "bucket_hash",
    "worker_of",
    "hash_vocab",
    "worker_ids",
    "worker_ids_from_values",
]
