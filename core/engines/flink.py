"""Flink SQL (streaming): a hash exchange's key → subtask, exactly as Flink 2.3 computes it.

The key is a ``BinaryRowData`` of the key columns (layout in ``notes/flink.md``): a null-bit
header of ``((arity + 63 + 8) // 64) * 8`` bytes, one 8-byte little-endian slot per field (BIGINT,
DOUBLE raw bits; INT/DATE/FLOAT 4 bytes, SMALLINT 2, TINYINT/BOOLEAN 1, rest zero; a STRING of at
most 7 UTF-8 bytes inline with byte 7 = 0x80 | length, a longer one as ``offset << 32 | length`` with
its bytes appended, zero-padded to 8), a NULL sets its bit and leaves the slot zero. Then:
``hashCode`` = murmur3 x86 32 of the row's 4-byte words, seed 42; key group =
``MathUtils.murmurHash(hashCode) % maxParallelism``; subtask = ``keyGroup * p // maxParallelism``.
maxParallelism: ``SET 'pipeline.max-parallelism'``, ``--max-parallelism``, else Flink's default
``min(max(next_pow2(p + p // 2), 128), 32768)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.engines import murmur3 as m3
from core.engines.base import Engine, EngineSettings
from core.engines.types import KEY_TYPES, typed_column
from core.errors import InvalidConfigError
from core.model.plan import PlanRules

__all__ = ["ENGINE", "default_max_parallelism", "max_parallelism_for", "row_hash_codes",
           "key_groups", "subtasks"]

MAX_MAX_PARALLELISM = 1 << 15
# Distinct keys laid out at once: bounds the row-byte matrices (~100 bytes a key) for huge vocabularies.
_CHUNK = 1 << 19


def default_max_parallelism(parallelism: int) -> int:
    """Flink's ``computeDefaultMaxParallelism``: 128 for p <= 85, 256 for p = 100."""
    wanted = parallelism + parallelism // 2
    power = 1 << max(wanted - 1, 0).bit_length()
    return min(max(power, 128), MAX_MAX_PARALLELISM)


def max_parallelism_for(parallelism: int, settings: EngineSettings) -> int:
    """The key-group count in force; refuses a parallelism above it (Flink refuses the job)."""
    maxp = settings.max_parallelism or default_max_parallelism(parallelism)
    if parallelism > maxp:
        raise InvalidConfigError(
            f"flink: parallelism {parallelism} exceeds max parallelism {maxp}; Flink refuses such a job. "
            f"Raise --max-parallelism (SET 'pipeline.max-parallelism') to at least {parallelism}")
    return maxp


def _slot(kind: str, data: np.ndarray) -> np.ndarray:
    """The 8-byte slot of fixed-size types as uint64 (little-endian layout = low bytes first)."""
    if kind in ("BIGINT",):
        return data.astype(np.int64).view(np.uint64)
    if kind == "DOUBLE":
        return data.astype(np.float64).view(np.uint64)
    if kind == "FLOAT":
        with np.errstate(over="ignore"):  # beyond float range → ±inf, like Java's (float) cast
            return data.astype(np.float32).view(np.uint32).astype(np.uint64)
    mask = {"INT": 0xFFFFFFFF, "DATE": 0xFFFFFFFF, "SMALLINT": 0xFFFF, "TINYINT": 0xFF, "BOOLEAN": 0xFF}[kind]
    return data.astype(np.int64).view(np.uint64) & np.uint64(mask)


def _pad8(n: np.ndarray) -> np.ndarray:
    return (n + 7) // 8 * 8


def _rows(columns: Sequence[np.ndarray], types: Sequence[str], from_text: bool
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(flat row bytes, row starts, row lengths) of every key's BinaryRowData."""
    arity, n = len(columns), len(columns[0])
    header = ((arity + 63 + 8) // 64) * 8
    fixed = header + 8 * arity
    fixed_part = np.zeros((n, fixed), dtype=np.uint8)
    var_len = np.zeros(n, dtype=np.int64)  # variable part bytes so far, per row
    pieces: list[tuple[np.ndarray, np.ndarray, bytes, np.ndarray]] = []
    for i, (values, kind) in enumerate(zip(columns, types, strict=True)):
        col = typed_column(values, kind, from_text=from_text, column=f"key column {i + 1}")
        slot = np.zeros(n, dtype=np.uint64)
        if kind == "STRING":
            lengths = np.fromiter(map(len, col.data.tolist()), dtype=np.int64, count=n)
            short = (lengths <= 7) & ~col.null
            if short.any():
                data = col.data[short].tolist()
                packed = np.frombuffer(b"".join(b.ljust(8, b"\0") for b in data), dtype="<u8")
                slot[short] = packed | ((np.uint64(0x80) | lengths[short].astype(np.uint64)) << np.uint64(56))
            long_rows = np.flatnonzero(lengths > 7)
            if long_rows.size:
                offsets = fixed + var_len[long_rows]
                pointer = offsets.astype(np.uint64) << np.uint64(32)
                slot[long_rows] = pointer | lengths[long_rows].astype(np.uint64)
                padded = _pad8(lengths[long_rows])
                blob = b"".join(b.ljust(p, b"\0") for b, p in zip(col.data[long_rows].tolist(),
                                                                  padded.tolist(), strict=True))
                pieces.append((long_rows, offsets, blob, padded))
                var_len[long_rows] += padded
        else:
            slot = _slot(kind, col.data)
            slot[col.null] = 0
        if col.null.any():
            bit = i + 8
            fixed_part[col.null, bit // 8] |= np.uint8(1 << (bit % 8))
        fixed_part[:, header + 8 * i: header + 8 * i + 8] = slot.astype("<u8").view(np.uint8).reshape(n, 8)
    lengths = fixed + var_len
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    flat = np.zeros(int(lengths.sum()), dtype=np.uint8)
    flat[starts[:, None] + np.arange(fixed)] = fixed_part
    for rows, offsets, blob, padded in pieces:
        dest = starts[rows] + offsets
        src_start = np.zeros(len(rows), dtype=np.int64)
        np.cumsum(padded[:-1], out=src_start[1:])
        idx = np.repeat(dest - src_start, padded) + np.arange(int(padded.sum()))
        flat[idx] = np.frombuffer(blob, dtype=np.uint8)
    return flat, starts, lengths


def row_hash_codes(columns: Sequence[np.ndarray], types: Sequence[str],
                   from_text: bool = False) -> np.ndarray:
    """``BinaryRowData.hashCode()`` (signed int32, as int64) of each distinct key."""
    n = len(columns[0])
    out = np.empty(n, dtype=np.int64)
    for lo in range(0, n, _CHUNK):
        part = [c[lo: lo + _CHUNK] for c in columns]
        flat, starts, lengths = _rows(part, types, from_text)
        codes = np.empty(len(starts), dtype=np.uint32)
        for length in np.unique(lengths).tolist():
            idx = np.flatnonzero(lengths == length)
            words = np.ascontiguousarray(flat[starts[idx, None] + np.arange(length)]).view("<u4")
            codes[idx] = m3.fmix(m3.hash_words(words, 42), length)
        out[lo: lo + len(starts)] = m3.to_signed(codes)
    return out


def key_groups(hash_codes: np.ndarray, max_parallelism: int) -> np.ndarray:
    """``KeyGroupRangeAssignment.computeKeyGroupForKeyHash``: ``MathUtils.murmurHash(code) % maxP``."""
    k = m3.mix_k1(hash_codes.astype(np.int64).astype(np.uint32))
    h = m3.fmix(m3.mix_h1(np.zeros_like(k), k), 4)
    signed = m3.to_signed(h)
    # murmurHash returns |h|, and 0 for Integer.MIN_VALUE (whose negation overflows).
    positive = np.where(signed == -(1 << 31), 0, np.abs(signed))
    return positive % max_parallelism


def subtasks(groups: np.ndarray, parallelism: int, max_parallelism: int) -> np.ndarray:
    """``computeOperatorIndexForKeyGroup``: ``keyGroup * parallelism // maxParallelism``."""
    return groups.astype(np.int64) * parallelism // max_parallelism


def _workers(columns: Sequence[np.ndarray], types: Sequence[str], workers: int, settings: EngineSettings,
             from_text: bool) -> np.ndarray:
    maxp = max_parallelism_for(workers, settings)
    return subtasks(key_groups(row_hash_codes(columns, types, from_text), maxp), workers, maxp)


# Where this engine re-distributes records between operators (core.plan reads it).
PLAN_RULES = PlanRules(
    "flink", trusts_source_key=False, subset_satisfies=False, global_order_by=True,
    grouping_id_key="$e", keyed_outputs_distributed=False,
    description="hashes before the first keyed operator and never trusts Kafka partitioning; stateless "
                "operators chain; ORDER BY and LIMIT run in one place")

ENGINE = Engine(plan_rules=PLAN_RULES,
    name="flink", workers_of=_workers, worker_word="subtask", supported_types=KEY_TYPES,
    hash_doc="BinaryRowData.hashCode → murmurHash % maxParallelism = key group → "
             "key group * p // maxParallelism")
