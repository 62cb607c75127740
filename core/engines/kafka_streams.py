"""Kafka Streams / ksqlDB: a repartition topic's partition = ``(murmur2(key bytes) & 0x7fffffff) % P``.

The key bytes are what the key serializer writes (ksqlDB's ``KAFKA`` key format): STRING UTF-8,
INT 4 bytes big-endian, BIGINT 8 bytes big-endian, DOUBLE 8-byte IEEE 754 big-endian. ``workers``
is the repartition topic's partition count P.

Decisions where ksqlDB itself differs:
* BOOLEAN, SMALLINT, TINYINT, FLOAT and DATE keys are refused: the ``KAFKA`` format has no
  serializer for them (ksqlDB would need another key format).
* A NULL key is refused: Kafka Streams drops null-key records before an aggregation or join.
* Several key columns are not exact: ``KAFKA`` supports one key column only, and ksqlDB's ``JSON``
  key format writes an object with the (upper-cased) column names, which a key without names cannot
  reproduce. Partition Lab serializes such a key as the compact JSON array of its values
  (``["AAPL",7]``) — deterministic and type-aware, but not ksqlDB's bytes (``multi_column_exact``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np

from core.engines.base import Engine, EngineSettings
from core.engines.types import TypedColumn, typed_column
from core.errors import InvalidConfigError
from core.hashing.by_length import hash_by_length
from core.hashing.murmur2 import murmur2_kernel
from core.limits import MAX_PARTITIONS
from core.model.plan import PlanRules

__all__ = ["ENGINE", "serialized_keys", "partition_hashes"]

_SUPPORTED = ("STRING", "INT", "BIGINT", "DOUBLE")
_BIG_ENDIAN = {"INT": ">i4", "BIGINT": ">i8", "DOUBLE": ">f8"}


def _fixed_matrix(col: TypedColumn) -> np.ndarray:
    dtype = np.dtype(_BIG_ENDIAN[col.type])
    return col.data.astype(dtype).view(np.uint8).reshape(len(col), dtype.itemsize)


def _json_value(col: TypedColumn, i: int) -> object:
    value = col.data[i]
    if col.type == "STRING":
        return value.decode("utf-8")
    return float(value) if col.type == "DOUBLE" else int(value)


def serialized_keys(cols: Sequence[TypedColumn]) -> list[bytes]:
    """The key bytes a producer would write for each distinct key (rules in the module docstring)."""
    if len(cols) == 1:
        col = cols[0]
        if col.type == "STRING":
            return list(col.data.tolist())
        return [row.tobytes() for row in _fixed_matrix(col)]
    rows = zip(*([_json_value(c, i) for i in range(len(c))] for c in cols), strict=True)
    return [json.dumps(list(r), ensure_ascii=False, separators=(",", ":")).encode("utf-8") for r in rows]


def partition_hashes(cols: Sequence[TypedColumn]) -> np.ndarray:
    """``murmur2(key bytes) & 0x7fffffff`` of each distinct key (uint32)."""
    if len(cols) == 1 and cols[0].type != "STRING":
        matrix = _fixed_matrix(cols[0])
        return murmur2_kernel(matrix, matrix.shape[1])
    return hash_by_length(serialized_keys(cols), murmur2_kernel, np.uint32)


def _workers(columns: Sequence[np.ndarray], types: Sequence[str], workers: int, settings: EngineSettings,
             from_text: bool) -> np.ndarray:
    cols = [typed_column(v, t, from_text=from_text, column=f"key column {i + 1}")
            for i, (v, t) in enumerate(zip(columns, types, strict=True))]
    for i, col in enumerate(cols):
        if col.null.any():
            raise InvalidConfigError(
                f"kafka-streams: key column {i + 1} holds a NULL; Kafka Streams drops null-key records "
                "before a repartition, so they have no partition. Filter them out first")
    return partition_hashes(cols).astype(np.int64) % workers


# Where this engine re-distributes records between operators (core.plan reads it).
PLAN_RULES = PlanRules(
    "kafka-streams", trusts_source_key=True, subset_satisfies=False, global_order_by=False,
    description="a repartition topic only where the key changes before an aggregation or join; none "
                "when GROUP BY is exactly the message key")

ENGINE = Engine(plan_rules=PLAN_RULES,
    name="kafka-streams", workers_of=_workers, worker_word="partition", supported_types=_SUPPORTED,
    multi_column_exact=False, max_workers=MAX_PARTITIONS, accepts_null=False,
    hash_doc="(murmur2(serialized key) & 0x7fffffff) % P over the repartition topic's P partitions")
