"""Kafka producer partitioners over columnar batches, plus per-partition offsets.

Every partitioner is a function of the record's global index (and key), never of how records are
cut into batches, so a topic's placement does not depend on ``batch_size``:

* ``murmur2`` (Java client) / ``crc32`` (librdkafka ``consistent_random``): each *distinct* key is
  hashed once with :mod:`core.hashing` and partitions are gathered by key code. A multi-column
  key is the values joined with ``"|"`` (Velostream's compound key string).
* ``sticky`` (null keys, Kafka >= 3.3, KIP-794): records go to one partition until ``batch.size``
  bytes went there, then to another partition chosen uniformly at random. With fixed-size records
  that is a run of ``ceil(batch.size / record_bytes)`` records, so record ``i`` belongs to run
  ``i // run`` and only one random draw per run is needed.
* ``round_robin``: record ``i`` goes to ``i % P`` (one counter for the topic, never reset).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from core.errors import InvalidConfigError
from core.hashing import VocabHashCache, hash_vocab

__all__ = ["KeyHashPartitioner", "StickyPartitioner", "RoundRobinPartitioner", "OffsetCounter"]

# Sticky run partitions are drawn in blocks with their own seed, so run r's partition depends only
# on (seed, r): the same whatever batch asked first.
_RUN_BLOCK = 1 << 16
_STICKY_STREAM = 0x571C4
# Ad-hoc arrays of new compound keys: hash them, never keep them in a cache.
_NO_CACHE = VocabHashCache(max_entries=0)
# Compound key spaces up to this many combinations get a dense lookup table (4 bytes a cell).
_DENSE_COMBOS = 1 << 24


class KeyHashPartitioner:
    """``hash(key) % P`` with ``hash`` = Kafka murmur2 (masked) or librdkafka crc32."""

    def __init__(self, hash_name: str, partitions: int, vocabs: Sequence[np.ndarray]) -> None:
        self.hash_name = hash_name
        self.partitions = partitions
        self.vocabs = list(vocabs)
        self._table: np.ndarray | None = None
        sizes = [len(v) for v in self.vocabs]
        if math.prod(sizes) >= 1 << 62:
            raise InvalidConfigError(
                f"compound key space {' x '.join(map(str, sizes))} is too large to simulate; use fewer "
                "key columns or fewer keys per column"
            )
        # A compound key is numbered in mixed radix; partitions are learned per combination seen.
        self._radix = np.array([math.prod(sizes[i + 1 :]) for i in range(len(sizes))], dtype=np.int64)
        self._dense = math.prod(sizes) <= _DENSE_COMBOS
        self._known_codes = np.empty(0, dtype=np.int64)  # sparse: sorted combination numbers
        self._known_parts = np.empty(0, dtype=np.int32)

    def _partitions_of(self, keys: np.ndarray, cache: VocabHashCache | None) -> np.ndarray:
        hashes = hash_vocab(keys, self.hash_name, "string", cache)
        return (hashes.astype(np.int64) % self.partitions).astype(np.int32)

    def assign(self, codes: Sequence[np.ndarray]) -> np.ndarray:
        if len(self.vocabs) == 1:
            if self._table is None:
                self._table = self._partitions_of(self.vocabs[0], None)
            return self._table[codes[0]]
        combined = np.zeros(len(codes[0]), dtype=np.int64)
        for col_codes, radix in zip(codes, self._radix, strict=True):
            combined += col_codes.astype(np.int64) * radix
        if self._dense:
            return self._assign_dense(combined)
        uniq, inverse = np.unique(combined, return_inverse=True)
        pos = np.searchsorted(self._known_codes, uniq)
        found = pos < len(self._known_codes)
        found[found] = self._known_codes[pos[found]] == uniq[found]
        if not found.all():
            new = uniq[~found]
            codes_all = np.concatenate([self._known_codes, new])
            parts_all = np.concatenate([self._known_parts, self._hash_combos(new)])
            order = np.argsort(codes_all, kind="stable")
            self._known_codes, self._known_parts = codes_all[order], parts_all[order]
            pos = np.searchsorted(self._known_codes, uniq)
        return self._known_parts[pos][inverse]

    def _assign_dense(self, combined: np.ndarray) -> np.ndarray:
        if self._table is None:
            self._table = np.full(math.prod(len(v) for v in self.vocabs), -1, dtype=np.int32)
        parts = self._table[combined]
        missing = parts < 0
        if missing.any():
            new = np.unique(combined[missing])
            self._table[new] = self._hash_combos(new)
            parts = self._table[combined]
        return parts

    def _hash_combos(self, numbers: np.ndarray) -> np.ndarray:
        sizes = [len(v) for v in self.vocabs]
        columns = [
            vocab[(numbers // radix) % size].tolist()
            for vocab, radix, size in zip(self.vocabs, self._radix, sizes, strict=True)
        ]
        texts = np.array(["|".join(t) for t in zip(*columns, strict=True)], dtype=object)
        return self._partitions_of(texts, _NO_CACHE)


class StickyPartitioner:
    """KIP-794 sticky placement of null-key records, deterministic for a seed.

    The next partition is drawn uniformly among the *other* P - 1 partitions (as KIP-480 did
    explicitly); Kafka 3.3's built-in partitioner may redraw the current one, which only merges two
    runs and leaves per-partition shares statistically the same.
    """

    def __init__(self, partitions: int, run_records: int, seed: int) -> None:
        self.partitions = partitions
        self.run_records = run_records
        self.seed = seed
        self._block = -1
        self._block_parts = np.empty(0, dtype=np.int32)

    def _run_block(self, block: int) -> np.ndarray:
        # Each block continues from the previous block's last run, so blocks are built in order;
        # asking for an earlier one (a second pass) rebuilds from the start, with the same result.
        if block < self._block:
            self._block, self._block_parts = -1, np.empty(0, dtype=np.int32)
        while self._block < block:
            self._block += 1
            rng = np.random.default_rng([self.seed, _STICKY_STREAM, self._block])
            if self.partitions == 1:
                parts = np.zeros(_RUN_BLOCK, dtype=np.int64)
            else:
                steps = rng.integers(1, self.partitions, size=_RUN_BLOCK, dtype=np.int64)
                if self._block == 0:
                    steps[0] = rng.integers(0, self.partitions)  # the first run starts anywhere
                prev = int(self._block_parts[-1]) if len(self._block_parts) else 0
                parts = (prev + np.cumsum(steps)) % self.partitions
            self._block_parts = parts.astype(np.int32)
        return self._block_parts

    def assign(self, start: int, count: int) -> np.ndarray:
        if count == 0:
            return np.empty(0, dtype=np.int32)
        runs = np.arange(start, start + count, dtype=np.int64) // self.run_records
        out = np.empty(count, dtype=np.int32)
        first, last = int(runs[0]) // _RUN_BLOCK, int(runs[-1]) // _RUN_BLOCK
        for block in range(first, last + 1):
            table = self._run_block(block)
            mask = slice(None) if first == last else (runs // _RUN_BLOCK) == block
            out[mask] = table[runs[mask] - block * _RUN_BLOCK]
        return out


class RoundRobinPartitioner:
    """``i % P`` over the topic's global record index."""

    def __init__(self, partitions: int) -> None:
        self.partitions = partitions

    def assign(self, start: int, count: int) -> np.ndarray:
        return (np.arange(start, start + count, dtype=np.int64) % self.partitions).astype(np.int32)


class OffsetCounter:
    """Per-partition offsets: consecutive within each partition, across batches."""

    def __init__(self, partitions: int) -> None:
        self.next_offset = np.zeros(partitions, dtype=np.int64)

    def assign(self, partition: np.ndarray) -> np.ndarray:
        n = len(partition)
        if n == 0:
            return np.empty(0, dtype=np.int64)
        p = len(self.next_offset)
        # uint16 keys make numpy's stable argsort a radix sort (much faster than timsort on int32).
        keys = partition.astype(np.uint16) if p <= 1 << 16 else partition
        order = np.argsort(keys, kind="stable")
        sorted_parts = partition[order]
        counts = np.bincount(partition, minlength=p)
        group_start = np.cumsum(counts) - counts
        rank = np.arange(n, dtype=np.int64) - group_start[sorted_parts]
        offsets = np.empty(n, dtype=np.int64)
        offsets[order] = self.next_offset[sorted_parts] + rank
        self.next_offset += counts
        return offsets
