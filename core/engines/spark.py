"""Spark SQL: ``hashpartitioning(keys, N)`` → ``pmod(hash(keys), N)``, exactly as Spark 4.3 does.

``h`` starts at 42; for each key column in order ``h = Murmur3_x86_32(value, seed = h)``; a NULL
leaves ``h`` unchanged. Per type (``notes/spark.md``): INT/SMALLINT/TINYINT/DATE/BOOLEAN →
``hashInt`` (one round, length 4); BIGINT → ``hashLong`` (low word, high word, length 8); DOUBLE →
``hashLong(doubleToLongBits)`` with -0.0 as 0.0 and every NaN canonical; FLOAT → ``hashInt`` of its
int bits likewise; STRING → ``hashUnsafeBytes``: aligned little-endian words, then *each* tail byte
sign-extended and given a full round (not standard murmur3's tail), then the final mix with the byte
length. ``N`` = ``spark.sql.shuffle.partitions`` (200 by default) is the ``workers`` argument.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.engines import murmur3 as m3
from core.engines.base import Engine, EngineSettings
from core.engines.types import TypedColumn, typed_column
from core.limits import MAX_PARTITIONS
from core.model.plan import PlanRules

__all__ = ["ENGINE", "spark_hash", "DEFAULT_SHUFFLE_PARTITIONS"]

DEFAULT_SHUFFLE_PARTITIONS = 200
SEED = 42
_SUPPORTED = ("STRING", "BIGINT", "INT", "SMALLINT", "TINYINT", "BOOLEAN", "DOUBLE", "FLOAT", "DATE")


def _hash_int(value: np.ndarray, seed: np.ndarray) -> np.ndarray:
    return m3.fmix(m3.mix_h1(seed, m3.mix_k1(value.astype(np.int64).astype(np.uint32))), 4)


def _hash_long(value: np.ndarray, seed: np.ndarray) -> np.ndarray:
    bits = value.astype(np.int64).view(np.uint64)
    low = (bits & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    high = (bits >> np.uint64(32)).astype(np.uint32)
    h = m3.mix_h1(seed, m3.mix_k1(low))
    return m3.fmix(m3.mix_h1(h, m3.mix_k1(high)), 8)


def _hash_string(data: np.ndarray, seed: np.ndarray) -> np.ndarray:
    out = np.empty(len(data), dtype=np.uint32)
    items = data.tolist()
    lengths = np.fromiter(map(len, items), dtype=np.int64, count=len(items))
    starts = np.zeros(len(items), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    flat = np.frombuffer(b"".join(items), dtype=np.uint8)
    for length in np.unique(lengths).tolist():
        idx = np.flatnonzero(lengths == length)
        matrix = flat[starts[idx, None] + np.arange(length)]
        aligned = length - length % 4
        words = np.ascontiguousarray(matrix[:, :aligned]).view("<u4")
        h = m3.hash_words(words, seed[idx])
        for j in range(aligned, length):
            # Spark's legacy tail: each byte sign-extended to an int, then a full round.
            byte = matrix[:, j].view(np.int8).astype(np.int32).view(np.uint32)
            h = m3.mix_h1(h, m3.mix_k1(byte))
        out[idx] = m3.fmix(h, length)
    return out


def _double_bits(col: TypedColumn) -> np.ndarray:
    v = col.data.astype(np.float64)
    v = np.where(v == 0.0, 0.0, v)  # -0.0 hashes as 0.0
    bits = v.view(np.int64).copy()
    bits[np.isnan(v)] = 0x7FF8000000000000  # doubleToLongBits: one NaN
    return bits


def _float_bits(col: TypedColumn) -> np.ndarray:
    with np.errstate(over="ignore"):  # beyond float range → ±inf, like Java's (float) cast
        v = col.data.astype(np.float32)
    v = np.where(v == 0.0, np.float32(0.0), v)
    bits = v.view(np.int32).astype(np.int64)
    bits[np.isnan(v)] = 0x7FC00000
    return bits


def _column_hash(col: TypedColumn, seed: np.ndarray) -> np.ndarray:
    if col.type == "STRING":
        return _hash_string(col.data, seed)
    if col.type == "BIGINT":
        return _hash_long(col.data, seed)
    if col.type == "DOUBLE":
        return _hash_long(_double_bits(col), seed)
    if col.type == "FLOAT":
        return _hash_int(_float_bits(col), seed)
    return _hash_int(col.data, seed)  # INT, SMALLINT, TINYINT, DATE (days), BOOLEAN (0/1)


def spark_hash(columns: Sequence[np.ndarray], types: Sequence[str], from_text: bool = False) -> np.ndarray:
    """SQL ``hash(cols)`` (signed int32, as int64) of each distinct key."""
    h = np.full(len(columns[0]), SEED, dtype=np.uint32)
    for i, (values, kind) in enumerate(zip(columns, types, strict=True)):
        col = typed_column(values, kind, from_text=from_text, column=f"key column {i + 1}")
        hashed = _column_hash(col, h)
        h = np.where(col.null, h, hashed)  # NULL leaves h unchanged
    return m3.to_signed(h)


def _workers(columns: Sequence[np.ndarray], types: Sequence[str], workers: int, settings: EngineSettings,
             from_text: bool) -> np.ndarray:
    return np.mod(spark_hash(columns, types, from_text), workers)  # pmod: non-negative


# Where this engine re-distributes records between operators (core.plan reads it).
PLAN_RULES = PlanRules(
    "spark", trusts_source_key=False, subset_satisfies=False, global_order_by=True,
    window_in_hash_key=True, grouping_id_key="spark_grouping_id",
    description="hashpartitioning(keys) before every stateful operator; a window is part of the key")

ENGINE = Engine(plan_rules=PLAN_RULES,
    name="spark", workers_of=_workers, worker_word="shuffle partition", supported_types=_SUPPORTED,
    max_workers=MAX_PARTITIONS,
    hash_doc="pmod(Murmur3_x86_32 chained over the key columns from seed 42, N); N = "
             "spark.sql.shuffle.partitions (200)")
