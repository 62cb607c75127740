"""Per-record reference routing in plain Python — for tests and benchmarks only.

It walks the batch one record at a time and hashes every record's key from scratch (no
vocabularies, no caches, no composite codes), re-deriving the key encoding from the rules in
:mod:`core.hashing`'s docstring. The vectorized strategies must return exactly what it returns.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.hashing import display_string, fnv1a64, mmh3_32, murmur2
from core.strategies.base import RoutingContext
from core.strategies.names import canonical_name
from core.workload.batch import Batch

__all__ = ["ReferenceState", "route_reference"]


@dataclass
class ReferenceState:
    """What persists between batches of one job: the round-robin counter and smart's hit counts."""

    aligned: bool = False
    counter: int = 0
    natural_hits: int = 0
    repartition_hits: int = 0
    fan_in_target: int | None = None


def _value(batch: Batch, column: str, i: int) -> Any:
    if column in batch.codes:
        return batch.vocab[column][int(batch.codes[column][i])]
    return batch.values[column][i].item()


def _part(value: Any, kind: str) -> bytes:
    if kind == "int32":
        return int(value).to_bytes(4, "big", signed=True)
    if kind == "int64":
        return int(value).to_bytes(8, "big", signed=True)
    return display_string(value).encode("utf-8")


def _record_worker(values: list[Any], ctx: RoutingContext) -> int:
    name = ctx.hash_function
    if name == "fnv1a64":
        data = "".join(display_string(v) for v in values).encode("utf-8")
        return fnv1a64(data) % ctx.workers
    parts = [_part(v, ctx.key_serialization) for v in values]
    data = parts[0] if len(parts) == 1 else b"".join(len(p).to_bytes(4, "big") + p for p in parts)
    if name == "murmur2":
        return (murmur2(data) & 0x7FFFFFFF) % ctx.workers
    if name == "crc32":
        return zlib.crc32(data) % ctx.workers
    return mmh3_32(data) % ctx.workers


def route_reference(strategy_name: str, batch: Batch, ctx: RoutingContext,
                    state: ReferenceState | None = None) -> np.ndarray:
    """Workers (int32) for ``batch`` computed record by record; updates ``state`` in place."""
    name = canonical_name(strategy_name)
    state = ReferenceState() if state is None else state
    out: list[int] = []
    for i in range(len(batch)):
        source_worker = int(batch.partition[i]) % ctx.workers
        if name == "sticky_partition":
            out.append(source_worker)
        elif name == "fan_in":
            out.append(ctx.fan_in_target if state.fan_in_target is None else state.fan_in_target)
        elif name == "round_robin":
            out.append(state.counter % ctx.workers)
            state.counter += 1
        elif name == "smart_repartition" and state.aligned:
            state.natural_hits += 1
            out.append(source_worker)
        else:
            if name == "smart_repartition":
                state.repartition_hits += 1
            keys = ctx.routing_keys
            out.append(_record_worker([_value(batch, c, i) for c in keys], ctx) if keys else 0)
    return np.array(out, dtype=np.int32)
