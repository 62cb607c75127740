"""Hash each distinct key once, gather by code: vocabulary hashes, multi-column combinations, workers.

Vectorized entry points hash each distinct key once (a vocabulary entry or a distinct multi-column
combination) and gather the result by code, which is what makes routing millions of records cheap.
Hashes are kept in a :class:`~core.hashing.cache.VocabHashCache` keyed by vocabulary contents.

>>> import numpy as np
>>> from core.hashing.buckets import worker_of
>>> vocab = np.array(["a", "b", "c"], dtype=object)
>>> routed = worker_ids([np.array([2, 0, 2, 1])], [vocab], 4)
>>> routed.tolist() == [worker_of([k], 4) for k in "cacb"]
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from core.errors import InvalidConfigError
from core.hashing.buckets import check_names, hash_many
from core.hashing.cache import DEFAULT_CACHE, VocabHashCache
from core.hashing.keys import display_string, join_parts, serialize_key

__all__ = ["hash_vocab", "worker_ids", "worker_ids_from_values"]

# Composite (multi-column) lookup tables up to this many cells are dense and cached.
_DENSE_COMBOS = 1 << 22


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
    check_names(fn, kind)
    cache = DEFAULT_CACHE if cache is None else cache
    key = ("vocab", fn, kind, cache.fingerprint(vocab))
    hashes = cache.get(key)
    if hashes is None:
        hashes = hash_many(fn, _encoded_vocab(vocab, fn, kind))
        hashes.setflags(write=False)
        cache.put(key, hashes)
    return hashes


def _combo_hashes(hash_name: str, kind: str, vocabs: Sequence[np.ndarray],
                  combos: Sequence[np.ndarray]) -> np.ndarray:
    """Bucket hashes of distinct combinations, given as one code array per column."""
    encoded = [_encoded_vocab(v, hash_name, kind) for v in vocabs]
    columns = [[enc[c] for c in codes.tolist()] for enc, codes in zip(encoded, combos, strict=True)]
    keys = [join_parts(hash_name, list(parts)) for parts in zip(*columns, strict=True)]
    return hash_many(hash_name, keys)


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
    check_names(hash_name, kind)
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
