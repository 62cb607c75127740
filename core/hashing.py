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
"""

from __future__ import annotations

import hashlib
import math
import weakref
import zlib
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import mmh3
import numpy as np

from core.errors import InvalidConfigError

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
KEY_SERIALIZATIONS: tuple[str, ...] = ("string", "int32", "int64")

_U32 = 0xFFFFFFFF
_M2_SEED, _M2_M = 0x9747B28C, 0x5BD1E995
_FNV_OFFSET, _FNV_PRIME = 0xCBF29CE484222325, 0x100000001B3
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
    h = (_M2_SEED ^ length) & _U32
    body = length - (length & 3)
    for i in range(0, body, 4):
        k = (int.from_bytes(data[i : i + 4], "little") * _M2_M) & _U32
        k ^= k >> 24
        k = (k * _M2_M) & _U32
        h = ((h * _M2_M) & _U32) ^ k
    tail = length & 3
    # Kafka's switch falls through: 3 bytes also mix in bytes 2 and 1, then multiply once.
    if tail == 3:
        h ^= data[body + 2] << 16
    if tail >= 2:
        h ^= data[body + 1] << 8
    if tail >= 1:
        h = ((h ^ data[body]) * _M2_M) & _U32
    h ^= h >> 13
    h = (h * _M2_M) & _U32
    h ^= h >> 15
    return h - (1 << 32) if h & 0x80000000 else h


def kafka_partition(key: bytes, partitions: int) -> int:
    """The Java producer's partition for a keyed record (mask, not abs: Kafka's formula)."""
    return (murmur2(key) & 0x7FFFFFFF) % partitions


def fnv1a64(data: bytes) -> int:
    """Unsigned 64-bit FNV-1a (Velostream's engine hash)."""
    h = _FNV_OFFSET
    for byte in data:
        h = ((h ^ byte) * _FNV_PRIME) & _U64
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
def display_string(value: Any) -> str:
    """A value's display string: ints plainly, integral floats without ``.0``, nulls as ``null``."""
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "null"
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        f = float(value)
        # Approximates Rust's f64 Display, which prints 3.0 as "3".
        return str(int(f)) if f.is_integer() and abs(f) < 2**53 else repr(f)
    return str(value)


def serialize_key(value: Any, kind: str = "string") -> bytes:
    """Bytes a Kafka serializer would produce: UTF-8 string, or big-endian int32/int64."""
    if kind == "string":
        return value if isinstance(value, bytes) else display_string(value).encode("utf-8")
    if kind in ("int32", "int64"):
        size = 4 if kind == "int32" else 8
        try:
            number = int(value)
            return number.to_bytes(size, "big", signed=True)
        except (ValueError, TypeError, OverflowError) as exc:
            raise InvalidConfigError(
                f"key value {value!r} does not fit serialization {kind}; declare the key as "
                "'string' or fix the column"
            ) from exc
    raise InvalidConfigError(
        f"unknown key serialization {kind!r}; valid: {', '.join(KEY_SERIALIZATIONS)}"
    )


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
def _length_groups(keys: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All keys in one byte buffer, with start offsets and lengths (for per-length matrices)."""
    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    starts = np.zeros(len(keys), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    buffer = np.frombuffer(b"".join(keys), dtype=np.uint8)
    return buffer, starts, lengths


def _hash_by_length(keys: Sequence[bytes], kernel: Callable[[np.ndarray, int], np.ndarray],
                    dtype: type[np.unsignedinteger[Any]]) -> np.ndarray:
    """Apply a column-at-a-time kernel to each group of equal-length keys (exact, bounded memory)."""
    out = np.empty(len(keys), dtype=dtype)
    buffer, starts, lengths = _length_groups(keys)
    for length in np.unique(lengths).tolist():
        idx = np.flatnonzero(lengths == length)
        matrix = buffer[starts[idx, None] + np.arange(length)]
        out[idx] = kernel(matrix, length)
    return out


def _murmur2_kernel(matrix: np.ndarray, length: int) -> np.ndarray:
    m = np.uint32(_M2_M)
    h = np.full(matrix.shape[0], (_M2_SEED ^ length) & _U32, dtype=np.uint32)
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


def _fnv1a64_kernel(matrix: np.ndarray, length: int) -> np.ndarray:
    h = np.full(matrix.shape[0], _FNV_OFFSET, dtype=np.uint64)
    prime = np.uint64(_FNV_PRIME)
    for j in range(length):
        h ^= matrix[:, j].astype(np.uint64)
        h *= prime  # wraps modulo 2**64, exactly FNV's arithmetic
    return h


def _hash_many(hash_name: str, keys: Sequence[bytes]) -> np.ndarray:
    """Bucket hashes of many keys: uint64 for fnv1a64, uint32 otherwise."""
    dtype = np.uint64 if hash_name == "fnv1a64" else np.uint32
    if hash_name in ("murmur2", "fnv1a64") and len(keys) >= _VECTOR_MIN_KEYS:
        kernel = _murmur2_kernel if hash_name == "murmur2" else _fnv1a64_kernel
        return _hash_by_length(keys, kernel, dtype)
    fn = _BUCKET[hash_name]
    return np.fromiter((fn(k) for k in keys), dtype=dtype, count=len(keys))


class VocabHashCache:
    """Hashes of vocabularies and key combinations, reused across batches.

    Keyed by *contents* (a digest of the display strings), so a source that rebuilds an equal
    vocabulary per batch still hits; each vocab object is digested once (identity fast path,
    dropped when the array is freed). Vocabularies are treated as immutable once routed.
    """

    def __init__(self, max_entries: int = 256, max_bytes: int = 256 << 20) -> None:
        # Both bounds matter: many small vocabularies (per-batch traces) or a few huge ones.
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._bytes = 0
        self._digests: dict[int, tuple[weakref.ref[np.ndarray], int, str]] = {}
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()

    def fingerprint(self, vocab: np.ndarray) -> str:
        """Content digest of a vocabulary (display strings, unambiguous via their lengths)."""
        known = self._digests.get(id(vocab))
        if known is not None and known[0]() is vocab and known[1] == len(vocab):
            return known[2]
        texts = [v if type(v) is str else display_string(v) for v in vocab.tolist()]
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        digest = hashlib.blake2b(lengths.tobytes(), digest_size=16)
        digest.update("".join(texts).encode("utf-8", "surrogatepass"))
        result = digest.hexdigest()
        try:
            ref = weakref.ref(vocab, self._forget(id(vocab)))
        except TypeError:  # not weak-referenceable: digest again next time
            return result
        self._digests[id(vocab)] = (ref, len(vocab), result)
        return result

    def _forget(self, ident: int) -> Callable[[weakref.ref[np.ndarray]], None]:
        def forget(ref: weakref.ref[np.ndarray]) -> None:
            known = self._digests.get(ident)
            if known is not None and known[0] is ref:
                del self._digests[ident]

        return forget

    def get(self, key: Hashable) -> Any:
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
        return value

    def put(self, key: Hashable, value: Any) -> None:
        if key in self._entries:
            self._bytes -= _nbytes(self._entries.pop(key))
        self._entries[key] = value
        self._bytes += _nbytes(value)
        # Evict oldest first. Over the byte budget the entry just stored stays (the caller is
        # using it); max_entries=0 means keep nothing at all.
        while len(self._entries) > self.max_entries or (
            len(self._entries) > 1 and self._bytes > self.max_bytes
        ):
            self._bytes -= _nbytes(self._entries.popitem(last=False)[1])

    def clear(self) -> None:
        self._digests.clear()
        self._entries.clear()
        self._bytes = 0

    @property
    def nbytes(self) -> int:
        return self._bytes

    def __reduce__(self) -> tuple[Any, ...]:
        # Sent to a worker process (inside a RoutingContext) a cache travels empty: weak
        # references cannot be pickled and the hashes are cheap to rebuild there. The shared
        # default cache stays the receiving process's own default cache.
        if self is DEFAULT_CACHE:
            return (_default_cache, ())
        return (VocabHashCache, (self.max_entries, self.max_bytes))

    def __len__(self) -> int:
        return len(self._entries)


def _nbytes(value: Any) -> int:
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, list | tuple):
        return sum(_nbytes(v) for v in value)
    return 0


DEFAULT_CACHE = VocabHashCache()


def _default_cache() -> VocabHashCache:
    return DEFAULT_CACHE


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
            present = np.flatnonzero(np.bincount(slot, minlength=cells))
            missing = present[~filled[present]]
            if missing.size:
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
