"""Route a batch's records under an engine: hash each distinct key once, gather by key code.

A single-column key's worker table (one entry per vocabulary entry) is cached by the vocabulary's
contents; a multi-column key uses a dense table over every code combination when that is small
(filled lazily, only combinations seen are hashed), else hashes the batch's distinct combinations.
Numeric key columns arrive as values and are factorized per batch (not cached: they differ per batch).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from core.engines.base import Engine, EngineSettings
from core.hashing import VocabHashCache

__all__ = ["engine_worker_ids", "column_type", "factorize_values"]

_DENSE_COMBOS = 1 << 22


def column_type(vocab: np.ndarray, declared: str | None) -> str:
    """The declared type, else what the data says: text → STRING, ints → BIGINT, floats → DOUBLE."""
    if declared:
        return declared
    kind = np.asarray(vocab).dtype.kind
    return {"i": "BIGINT", "u": "BIGINT", "f": "DOUBLE", "b": "BOOLEAN"}.get(kind, "STRING")


def factorize_values(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct values) of a numeric column, keeping the values' dtype for typed hashing."""
    distinct, inverse = np.unique(values, return_inverse=True)
    return inverse.reshape(-1), distinct


def _table_key(engine: Engine, types: Sequence[str], settings: EngineSettings, workers: int,
               vocabs: Sequence[np.ndarray], cache: VocabHashCache) -> tuple[object, ...]:
    return ("engine", engine.name, tuple(types), settings, workers,
            tuple(cache.fingerprint(v) for v in vocabs))


def engine_worker_ids(engine: Engine, codes: Sequence[np.ndarray], vocabs: Sequence[np.ndarray],
                      types: Sequence[str], workers: int, settings: EngineSettings,
                      cache: VocabHashCache) -> np.ndarray:
    """Worker (int32) per record for per-column ``codes`` into ``vocabs`` (object text or numeric)."""
    cacheable = all(np.asarray(v).dtype == object for v in vocabs)
    if len(codes) == 1:
        key = _table_key(engine, types, settings, workers, vocabs, cache) if cacheable else None
        table = cache.get(key) if key is not None else None
        if table is None:
            table = engine.workers([vocabs[0]], types, workers, settings, from_text=True)
            table.setflags(write=False)
            if key is not None:
                cache.put(key, table)
        return table[codes[0]]
    sizes = [max(len(v), 1) for v in vocabs]
    cells = math.prod(sizes)
    if cacheable and cells <= _DENSE_COMBOS:
        slot = codes[0].astype(np.int64)
        for c, n in zip(codes[1:], sizes[1:], strict=True):
            slot = slot * n + c
        key = _table_key(engine, types, settings, workers, vocabs, cache)
        entry = cache.get(key)
        if entry is None:
            entry = [np.zeros(cells, dtype=np.int32), np.zeros(cells, dtype=bool), np.zeros(1, dtype=bool)]
            cache.put(key, entry)
        table, filled, full = entry
        if not full[0] and slot.size:
            missing = slot[~filled[slot]]  # a cheap scan of the batch, not of every cell
            if missing.size:
                missing = np.unique(missing)
                combo = np.unravel_index(missing, sizes)
                table[missing] = engine.workers([v[c] for v, c in zip(vocabs, combo, strict=True)], types,
                                                workers, settings, from_text=True)
                filled[missing] = True
                full[0] = bool(filled.all())
        return table[slot]
    rows, inverse = np.unique(np.stack([np.asarray(c, dtype=np.int64) for c in codes], axis=1), axis=0,
                              return_inverse=True)
    distinct = [np.asarray(v)[rows[:, i]] for i, v in enumerate(vocabs)]
    return engine.workers(distinct, types, workers, settings, from_text=True)[inverse.reshape(-1)]
