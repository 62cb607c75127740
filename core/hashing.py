"""Exact, process-stable key hashes (never Python's salted ``hash()``), scalar and vectorized.

Every hash is exposed as a *bucket hash*: a non-negative integer whose ``% W`` is the worker (or
``% P`` the partition). Vectorized entry points hash each distinct key once (a vocabulary entry or
a distinct multi-column combination) and gather the result by code, which is what makes routing
millions of records cheap. Key byte encodings (see :func:`key_bytes`):

* one column: the declared serialization of the value (``string`` = UTF-8 like Kafka's
  StringSerializer, ``int32``/``int64`` big-endian like Integer/LongSerializer);
* several columns, ``murmur2``/``crc32``/``mmh3``: each part prefixed with its 4-byte big-endian
  length, so ``("ab", "c")`` and ``("a", "bc")`` never collide by construction;
* ``fnv1a64``: Velostream's rule, the UTF-8 display strings fed back to back without separator
  (the declared serialization does not apply; the engine hashes display strings).

Helpers live next door and are re-exported here: :mod:`core.hashing_keys` (display strings,
serializations), :mod:`core.hashing_kernels` (numpy kernels), :mod:`core.hashing_cache` (the cache).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Sequence
from typing import Any

import mmh3
import numpy as np

from core.errors import InvalidConfigError
from core.hashing_cache import DEFAULT_CACHE, VocabHashCache
from core.hashing_kernels import (
    FNV_OFFSET,
    FNV_PRIME,
    M2_M,
    M2_SEED,
    fnv1a64_kernel,
    hash_by_length,
    murmur2_kernel,
)
from core.hashing_keys import KEY_SERIALIZATIONS, display_string, serialize_key

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

HASH_FUNCTIONS: tuple[str, ...] = ("murmur2", "crc32", "fnv1a64", "mmh3")

_U32 = 0xFFFFFFFF
_U64 = 0xFFFFFFFFFFFFFFFF
# Below this many keys the per-key Python loop beats building byte matrices.
_VECTOR_MIN_KEYS = 64
# Composite (multi-column) lookup tables up to this many cells are dense and cached.
_DENSE_COMBOS = 1 << 22


# --------------------------------------------------------------------------- scalar hashes
def murmur2(data: bytes) -> int:
    """Kafka's ``Utils.murmur2``: signed 32-bit result.

    >>> murmur2(b"21")
    -973932308
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


def fnv1a64(data: bytes) -> int:
    """Unsigned 64-bit FNV-1a (Velostream's engine hash)."""
    h = FNV_OFFSET
    for byte in data:
        h = ((h ^ byte) * FNV_PRIME) & _U64
    return h


def crc32_partition(key: bytes, partitions: int) -> int:
    """librdkafka's ``consistent_random`` partition for a keyed record (not Java-compatible)."""
    return zlib.crc32(key) % partitions


def mmh3_32(data: bytes) -> int:
    """MurmurHash3 x86 32-bit, seed 0, unsigned (the ``mmh3`` package)."""
    return int(mmh3.hash(data, 0, signed=False))


_BUCKET: dict[str, Callable[[bytes], int]] = {
    "murmur2": lambda b: murmur2(b) & 0x7FFFFFFF,
    "crc32": zlib.crc32,
    "fnv1a64": fnv1a64,
    "mmh3": mmh3_32,
}


def _check_names(hash_name: str, kind: str) -> None:
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
    _check_names(hash_name, "string")
    return _BUCKET[hash_name](data)


# --------------------------------------------------------------------------- key encoding
def _join_parts(hash_name: str, parts: Sequence[bytes]) -> bytes:
    if len(parts) == 1:
        return parts[0]
    if hash_name == "fnv1a64":
        return b"".join(parts)
    return b"".join(len(p).to_bytes(4, "big") + p for p in parts)


def key_bytes(values: Sequence[Any], hash_name: str = "mmh3", kind: str = "string") -> bytes:
    """The bytes hashed for one record's routing-key values (rules in the module docstring)."""
    _check_names(hash_name, kind)
    if hash_name == "fnv1a64":
        return "".join(display_string(v) for v in values).encode("utf-8")
    return _join_parts(hash_name, [serialize_key(v, kind) for v in values])


def worker_of(values: Sequence[Any], workers: int, hash_name: str = "mmh3", kind: str = "string") -> int:
    """Scalar worker for one record's key values; the vectorized forms must agree with it."""
    return _BUCKET[hash_name](key_bytes(values, hash_name, kind)) % workers


# --------------------------------------------------------------------------- many keys at once
def _hash_many(hash_name: str, keys: Sequence[bytes]) -> np.ndarray:
    """Bucket hashes of many keys: uint64 for fnv1a64, uint32 otherwise."""
    dtype = np.uint64 if hash_name == "fnv1a64" else np.uint32
    if hash_name in ("murmur2", "fnv1a64") and len(keys) >= _VECTOR_MIN_KEYS:
        kernel = murmur2_kernel if hash_name == "murmur2" else fnv1a64_kernel
        return hash_by_length(keys, kernel, dtype)
    fn = _BUCKET[hash_name]
    return np.fromiter((fn(k) for k in keys), dtype=dtype, count=len(keys))



def _encoded_vocab(vocab: np.ndarray, hash_name: str, kind: str) -> list[bytes]:
    if hash_name == "fnv1a64" or kind == "string":
        # str entries (the usual case) skip display_string's type dispatch.
        return [(v if type(v) is str else display_string(v)).encode("utf-8") for v in vocab.tolist()]
    return [serialize_key(v, kind) for v in vocab.tolist()]


def hash_vocab(vocab: np.ndarray, fn: str | Callable[[bytes], int] = "mmh3", kind: str = "string",
               cache: VocabHashCache | None = None) -> np.ndarray:
    """Bucket hash of every vocabulary entry (single-column keys), cached by vocab contents.

    ``fn`` is a hash name (uint32 result; uint64 for fnv1a64) or any ``bytes -> int`` callable
    (uint64 result, not cached).
    """
    vocab = np.asarray(vocab, dtype=object)
    if callable(fn):
        return np.fromiter((fn(k) for k in _encoded_vocab(vocab, "", kind)), np.uint64, len(vocab))
    _check_names(fn, kind)
    cache = DEFAULT_CACHE if cache is None else cache
    key = ("vocab", fn, kind, cache.fingerprint(vocab))
    hashes = cache.get(key)
    if hashes is None:
        hashes = _hash_many(fn, _encoded_vocab(vocab, fn, kind))
        hashes.setflags(write=False)
        cache.put(key, hashes)
    return hashes


def _combo_hashes(hash_name: str, kind: str, vocabs: Sequence[np.ndarray],
                  combos: Sequence[np.ndarray]) -> np.ndarray:
    """Bucket hashes of distinct combinations, given as one code array per column."""
    encoded = [_encoded_vocab(v, hash_name, kind) for v in vocabs]
    columns = [[enc[c] for c in codes.tolist()] for enc, codes in zip(encoded, combos, strict=True)]
    keys = [_join_parts(hash_name, list(parts)) for parts in zip(*columns, strict=True)]
    return _hash_many(hash_name, keys)


def _mixed_radix(codes: list[np.ndarray], sizes: list[int], cells: int) -> np.ndarray:
    """One integer per record that identifies its combination of codes."""
    slot: np.ndarray = codes[0].astype(np.int32 if cells < 2**31 else np.int64)  # a copy
    for c, n in zip(codes[1:], sizes[1:], strict=True):
        np.multiply(slot, n, out=slot)
        np.add(slot, c, out=slot, casting="same_kind")
    return slot


def _composite(codes: list[np.ndarray], vocabs: list[np.ndarray], hash_name: str, kind: str,
               cache: VocabHashCache) -> tuple[np.ndarray, np.ndarray]:
    """(hash per slot, slot per record) for multi-column keys; only distinct combos get hashed."""
    sizes = [max(len(v), 1) for v in vocabs]
    cells = math.prod(sizes)
    if cells <= _DENSE_COMBOS:
        # A dense table over every combination, cached: O(records) per batch, and later batches
        # hash only combinations never seen before. Once every cell is filled, no bookkeeping.
        slot = _mixed_radix(codes, sizes, cells)
        key = ("combo", hash_name, kind, tuple(cache.fingerprint(v) for v in vocabs))
        entry = cache.get(key)
        if entry is None:
            dtype = np.uint64 if hash_name == "fnv1a64" else np.uint32
            entry = [np.zeros(cells, dtype=dtype), np.zeros(cells, dtype=bool), False]
            cache.put(key, entry)
        table, filled = entry[0], entry[1]
        if not entry[2] and slot.size:
            # Scan the batch, not every cell: a bincount over a million cells per 10k-record batch
            # was the whole cost of two-column keys.
            missing = slot[~filled[slot]]
            if missing.size:
                missing = np.unique(missing)
                table[missing] = _combo_hashes(hash_name, kind, vocabs, np.unravel_index(missing, sizes))
                filled[missing] = True
                entry[2] = bool(filled.all())
        return table, slot
    if cells < 2**63:
        distinct, inverse = np.unique(_mixed_radix(codes, sizes, cells), return_inverse=True)
        combos: Sequence[np.ndarray] = np.unravel_index(distinct, sizes)
    else:
        rows, inverse = np.unique(np.stack(codes, axis=1), axis=0, return_inverse=True)
        combos = list(rows.T)
    return _combo_hashes(hash_name, kind, vocabs, combos), inverse.reshape(-1)


def worker_ids(codes_per_column: Sequence[np.ndarray], vocabs: Sequence[np.ndarray], workers: int,
               hash_name: str = "mmh3", kind: str = "string",
               cache: VocabHashCache | None = None) -> np.ndarray:
    """Worker (int32) per record from per-column codes; each distinct key (combination) hashed once."""
    if len(codes_per_column) != len(vocabs) or not codes_per_column:
        raise InvalidConfigError(
            f"worker_ids needs one vocabulary per code column and at least one column; got "
            f"{len(codes_per_column)} code arrays and {len(vocabs)} vocabularies"
        )
    if workers < 1:
        raise InvalidConfigError(f"workers must be >= 1, got {workers}")
    _check_names(hash_name, kind)
    cache = DEFAULT_CACHE if cache is None else cache
    vocab_list = [np.asarray(v, dtype=object) for v in vocabs]
    codes = [np.asarray(c) for c in codes_per_column]
    # Reduce the per-key hashes to workers before the gather: gathering from an int32 table is
    # the cheapest per-record step there is.
    if len(codes) == 1:
        key = ("workers", hash_name, kind, cache.fingerprint(vocab_list[0]), workers)
        table = cache.get(key)
        if table is None:
            table = (hash_vocab(vocab_list[0], hash_name, kind, cache) % np.uint64(workers)).astype(np.int32)
            cache.put(key, table)
        return table[codes[0]]
    hashes, slot = _composite(codes, vocab_list, hash_name, kind, cache)
    return (hashes % np.uint64(workers)).astype(np.int32)[slot]


def worker_ids_from_values(columns: Sequence[Any], workers: int, hash_name: str = "mmh3",
                           kind: str = "string", cache: VocabHashCache | None = None) -> np.ndarray:
    """Workers for raw value columns (pandas Series, lists, arrays of str or numbers).

    Each column is factorized so distinct values are hashed once; nulls hash as ``null``.
    """
    import pandas as pd

    codes, vocabs = [], []
    for column in columns:
        col_codes, uniques = pd.factorize(pd.Series(column), use_na_sentinel=False)
        codes.append(np.asarray(col_codes))
        vocabs.append(np.array([display_string(u) for u in np.asarray(uniques).tolist()], dtype=object))
    return worker_ids(codes, vocabs, workers, hash_name, kind, cache)
