"""Plain-Python, one-key-at-a-time references of every engine's placement (tests only).

Written from the rules in shared/notes (flink.md, spark.md, engines.md), independently of the numpy
code in core.engines, so the property tests compare two implementations of the same facts.
"""

from __future__ import annotations

import datetime
import json
import struct
from collections.abc import Sequence
from typing import Any

from core.hashing import display_string, fnv1a64, murmur2, worker_of

M32 = 0xFFFFFFFF


def _rotl(x: int, r: int) -> int:
    return ((x << r) | (x >> (32 - r))) & M32


def _mix_k1(k: int) -> int:
    return (_rotl((k * 0xCC9E2D51) & M32, 15) * 0x1B873593) & M32


def _mix_h1(h: int, k: int) -> int:
    return (_rotl(h ^ k, 13) * 5 + 0xE6546B64) & M32


def _fmix(h: int, length: int) -> int:
    h ^= length
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & M32
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & M32
    return h ^ (h >> 16)


def _signed(h: int) -> int:
    return h - (1 << 32) if h & 0x80000000 else h


def _days(value: Any) -> int:
    if isinstance(value, str):
        return (datetime.date.fromisoformat(value) - datetime.date(1970, 1, 1)).days
    return int(value)


# ----------------------------------------------------------------------------------------- Flink
def flink_row(values: Sequence[Any], types: Sequence[str]) -> bytes:
    arity = len(values)
    header = ((arity + 63 + 8) // 64) * 8
    fixed = bytearray(header + 8 * arity)
    var = bytearray()
    for i, (v, t) in enumerate(zip(values, types, strict=True)):
        at = header + 8 * i
        if v is None:
            fixed[(i + 8) // 8] |= 1 << ((i + 8) % 8)
            continue
        if t == "STRING":
            b = v.encode("utf-8")
            if len(b) <= 7:
                fixed[at: at + len(b)] = b
                fixed[at + 7] = 0x80 | len(b)
            else:
                offset = len(fixed) + len(var)
                fixed[at: at + 8] = ((offset << 32) | len(b)).to_bytes(8, "little")
                var += b + b"\0" * ((-len(b)) % 8)
        elif t == "BIGINT":
            fixed[at: at + 8] = struct.pack("<q", v)
        elif t == "DOUBLE":
            fixed[at: at + 8] = struct.pack("<d", v)
        elif t == "FLOAT":
            fixed[at: at + 4] = struct.pack("<f", v)
        elif t in ("INT", "DATE"):
            fixed[at: at + 4] = struct.pack("<i", _days(v) if t == "DATE" else v)
        elif t == "SMALLINT":
            fixed[at: at + 2] = struct.pack("<h", v)
        elif t == "TINYINT":
            fixed[at] = v & 0xFF
        elif t == "BOOLEAN":
            fixed[at] = 1 if v else 0
    return bytes(fixed + var)


def flink_hash_code(values: Sequence[Any], types: Sequence[str]) -> int:
    row = flink_row(values, types)
    h = 42
    for i in range(0, len(row), 4):
        h = _mix_h1(h, _mix_k1(int.from_bytes(row[i: i + 4], "little")))
    return _signed(_fmix(h, len(row)))


def flink_key_group(code: int, max_parallelism: int) -> int:
    h = _signed(_fmix(_mix_h1(0, _mix_k1(code & M32)), 4))
    h = 0 if h == -(1 << 31) else abs(h)
    return h % max_parallelism


def flink_subtask(values: Sequence[Any], types: Sequence[str], p: int, maxp: int) -> int:
    return flink_key_group(flink_hash_code(values, types), maxp) * p // maxp


# ----------------------------------------------------------------------------------------- Spark
def _spark_one(v: Any, t: str, seed: int) -> int:
    if t == "STRING":
        b = v.encode("utf-8")
        aligned = len(b) - len(b) % 4
        h = seed
        for i in range(0, aligned, 4):
            h = _mix_h1(h, _mix_k1(int.from_bytes(b[i: i + 4], "little")))
        for byte in b[aligned:]:
            h = _mix_h1(h, _mix_k1((byte - 256 if byte > 127 else byte) & M32))
        return _fmix(h, len(b))
    if t in ("BIGINT", "DOUBLE"):
        if t == "DOUBLE":
            v = 0.0 if v == 0.0 else v
            bits = 0x7FF8000000000000 if v != v else struct.unpack("<q", struct.pack("<d", v))[0]
        else:
            bits = v
        bits &= (1 << 64) - 1
        h = _mix_h1(seed, _mix_k1(bits & M32))
        return _fmix(_mix_h1(h, _mix_k1(bits >> 32)), 8)
    if t == "FLOAT":
        v = 0.0 if v == 0.0 else v
        word = 0x7FC00000 if v != v else struct.unpack("<I", struct.pack("<f", v))[0]
    elif t == "BOOLEAN":
        word = 1 if v else 0
    else:
        word = (_days(v) if t == "DATE" else v) & M32
    return _fmix(_mix_h1(seed, _mix_k1(word)), 4)


def spark_hash(values: Sequence[Any], types: Sequence[str]) -> int:
    h = 42
    for v, t in zip(values, types, strict=True):
        if v is not None:
            h = _spark_one(v, t, h)
    return _signed(h)


def spark_partition(values: Sequence[Any], types: Sequence[str], n: int) -> int:
    return spark_hash(values, types) % n  # Python's % is pmod for n > 0


# ---------------------------------------------------------------------------------- Kafka Streams
def kafka_key_bytes(values: Sequence[Any], types: Sequence[str]) -> bytes:
    if len(values) > 1:
        return json.dumps(list(values), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    v, t = values[0], types[0]
    if t == "STRING":
        return v.encode("utf-8")
    return struct.pack({"INT": ">i", "BIGINT": ">q", "DOUBLE": ">d"}[t], v)


def kafka_partition(values: Sequence[Any], types: Sequence[str], p: int) -> int:
    return (murmur2(kafka_key_bytes(values, types)) & 0x7FFFFFFF) % p


# ------------------------------------------------------------------------ Velostream, partition-lab
def velostream_worker(values: Sequence[Any], types: Sequence[str], w: int) -> int:
    return fnv1a64("".join(display_string(v) for v in values).encode("utf-8")) % w


def partition_lab_worker(values: Sequence[Any], types: Sequence[str], w: int) -> int:
    return worker_of([display_string(v) for v in values], w)


def worker(engine: str, values: Sequence[Any], types: Sequence[str], w: int, maxp: int | None = None) -> int:
    if engine == "flink":
        from core.engines.flink import default_max_parallelism

        return flink_subtask(values, types, w, maxp or default_max_parallelism(w))
    return {"spark": spark_partition, "kafka-streams": kafka_partition, "velostream": velostream_worker,
            "partition-lab": partition_lab_worker}[engine](values, types, w)
