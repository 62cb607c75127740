"""Distinct keys of a keyed stage, streamed from batches in memory bounded by the distinct keys.

:class:`KeyEncoder` gives every distinct key (one value per key column) a dense id in order of
first appearance and hashes each new key once, when it first shows up; :func:`count_keys` runs it
over a batch stream and returns :class:`KeyCounts` (records per distinct key plus its hash), the
input of the sweep, rescale and salting what-ifs.

The hash hook: ``hasher(columns) -> hashes`` gets one object array of display strings per key
column (equal length, one entry per new distinct key) and returns one integer per key. The
default, :func:`mmh3_hasher`, is exactly what ``always_hash`` routes by (mmh3 of the UTF-8 display
string; several columns length-prefixed), so ``ModHash().place(h, W)`` is its worker. An engine
passes its own (e.g. Flink's ``BinaryRowData.hashCode`` for :class:`KeyGroups`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from core import hashing
from core.errors import InvalidConfigError
from core.workload.batch import Batch

__all__ = ["KeyCounts", "KeyEncoder", "Hasher", "count_keys", "key_counts", "mmh3_hasher"]

Hasher = Callable[[Sequence[np.ndarray]], np.ndarray]


def mmh3_hasher(columns: Sequence[np.ndarray]) -> np.ndarray:
    """Partition Lab's key hash per distinct key (int64, non-negative), as ``always_hash`` uses it."""
    if len(columns) == 1:
        return hashing.hash_vocab(np.asarray(columns[0], dtype=object), "mmh3").astype(np.int64)
    rows = zip(*(c.tolist() for c in columns), strict=True)
    return np.fromiter((hashing.mmh3_32(hashing.key_bytes(r, "mmh3")) for r in rows), np.int64,
                       len(columns[0]))


@dataclass(frozen=True)
class KeyCounts:
    """Records per distinct key of one keyed stage, with each key's hash.

    ``values[c][i]`` is key ``i``'s display value in column ``c``; ``hashes`` feed a placement;
    ``records`` is ``counts.sum()``. Keys with no record are never listed.
    """

    columns: tuple[str, ...]
    values: tuple[np.ndarray, ...]
    counts: np.ndarray
    hashes: np.ndarray

    def __post_init__(self) -> None:
        n = len(self.counts)
        if len(self.hashes) != n or any(len(v) != n for v in self.values):
            raise InvalidConfigError(f"key counts need one hash and one value per key: {n} counts, "
                                     f"{len(self.hashes)} hashes, {[len(v) for v in self.values]} values")
        if n and int(np.min(self.counts)) < 1:
            raise InvalidConfigError("every listed key needs at least one record")

    @property
    def keys(self) -> int:
        return len(self.counts)

    @property
    def records(self) -> int:
        return int(self.counts.sum())

    def label(self, i: int) -> str:
        """Key ``i`` as shown in reports (several columns joined with ``|``)."""
        return "|".join(str(v[i]) for v in self.values)

    def hottest(self) -> int:
        """Id of the key with most records (the first one on ties)."""
        if not self.keys:
            raise InvalidConfigError("no keys: the stream had no records")
        return int(np.argmax(self.counts))

    def with_hashes(self, hashes: np.ndarray) -> KeyCounts:
        """The same counts under another engine's hash (one per key, in key order)."""
        return KeyCounts(self.columns, self.values, self.counts, np.asarray(hashes, dtype=np.int64))


def key_counts(labels: Sequence[str], counts: Sequence[int], hashes: Sequence[int] | None = None,
               hasher: Hasher = mmh3_hasher, column: str = "key") -> KeyCounts:
    """:class:`KeyCounts` from plain lists (one column), e.g. for tests or a caller's own histogram."""
    vals = np.asarray([str(v) for v in labels], dtype=object)
    c = np.asarray(counts, dtype=np.int64)
    h = hasher([vals]) if hashes is None else np.asarray(hashes, dtype=np.int64)
    return KeyCounts((column,), (vals,), c, h)


class KeyEncoder:
    """Dense ids for the key columns' distinct values, stable across batches; counts and hashes."""

    def __init__(self, key_columns: Sequence[str], hasher: Hasher = mmh3_hasher) -> None:
        if not key_columns:
            raise InvalidConfigError("the what-ifs need a keyed stage (GROUP BY, PARTITION BY, DISTINCT or "
                                     "join keys); this statement has no key to place")
        self.columns = tuple(key_columns)
        self.hasher = hasher
        self._ids: dict[tuple[object, ...], int] = {}
        self._values: list[list[str]] = [[] for _ in self.columns]
        self._hashes = np.zeros(0, dtype=np.int64)
        self._counts = np.zeros(0, dtype=np.int64)

    @property
    def size(self) -> int:
        return len(self._values[0])

    @property
    def hashes(self) -> np.ndarray:
        return self._hashes[: self.size]

    def encode(self, batch: Batch) -> np.ndarray:
        """Key id (int64) per record of ``batch``; new keys get the next ids and are hashed once."""
        parts = [self._column(batch, c) for c in self.columns]
        # Distinct (code, ...) rows of this batch, then one dict lookup per distinct row.
        if len(parts) == 1:
            distinct, first, inverse = np.unique(parts[0][0], return_index=True, return_inverse=True)
            rows = distinct[:, None]
        else:
            stacked = np.stack([p[0] for p in parts], axis=1)
            rows, first, inverse = np.unique(stacked, axis=0, return_index=True, return_inverse=True)
        displays = [[p[1](code) for code in rows[:, j].tolist()] for j, p in enumerate(parts)]
        ids = np.empty(len(rows), dtype=np.int64)
        fresh: list[int] = []
        # New keys numbered in order of first appearance, so ids do not depend on batch boundaries.
        for i in np.argsort(first, kind="stable").tolist():
            key = tuple(d[i] for d in displays)
            known = self._ids.get(key)
            if known is None:
                known = self._ids[key] = self.size + len(fresh)
                fresh.append(i)
            ids[i] = known
        if fresh:
            new = [np.asarray([d[i] for i in fresh], dtype=object) for d in displays]
            for store, col in zip(self._values, new, strict=True):
                store.extend(col.tolist())
            self._grow(self.size)
            self._hashes[self.size - len(fresh): self.size] = np.asarray(self.hasher(new), dtype=np.int64)
        out = ids[inverse.reshape(-1)]
        self._counts[: self.size] += np.bincount(out, minlength=self.size)[: self.size]
        return out

    def _grow(self, size: int) -> None:
        if size > len(self._hashes):
            cap = max(size, 2 * len(self._hashes), 1024)
            self._hashes = np.concatenate([self._hashes, np.zeros(cap - len(self._hashes), np.int64)])
            self._counts = np.concatenate([self._counts, np.zeros(cap - len(self._counts), np.int64)])

    def _column(self, batch: Batch, column: str) -> tuple[np.ndarray, Callable[[int], str]]:
        """(code per record, display string per code) for one key column."""
        if column in batch.codes:
            vocab = batch.vocab[column]
            return np.asarray(batch.codes[column], dtype=np.int64), lambda code: _display(vocab[code])
        if column in batch.values:
            distinct, inverse = np.unique(batch.values[column], return_inverse=True)
            shown = [hashing.display_string(v) for v in distinct.tolist()]
            return inverse.reshape(-1).astype(np.int64), shown.__getitem__
        raise InvalidConfigError(f"key column {column!r} is not a column of the batch; available: "
                                 f"{', '.join(batch.columns) or '(none)'}")

    def counts(self) -> KeyCounts:
        """Records per key seen so far (keys in order of first appearance)."""
        n = self.size
        values = tuple(np.asarray(v, dtype=object) for v in self._values)
        return KeyCounts(self.columns, values, self._counts[:n].copy(), self._hashes[:n].copy())


def _display(value: object) -> str:
    # Vocabulary entries are display strings already; anything else gets the hashing module's form.
    return value if type(value) is str else hashing.display_string(value)


def count_keys(batches: Iterable[Batch], key_columns: Sequence[str],
               hasher: Hasher = mmh3_hasher) -> KeyCounts:
    """One pass over ``batches``: records per distinct key of ``key_columns``, each key hashed once."""
    enc = KeyEncoder(key_columns, hasher)
    for batch in batches:
        enc.encode(batch)
    return enc.counts()


def encoded(batches: Iterable[Batch], encoder: KeyEncoder) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(key id, source partition) per record, batch by batch, through ``encoder``."""
    for batch in batches:
        yield encoder.encode(batch), np.asarray(batch.partition, dtype=np.int64)
