"""The what-ifs hash keys exactly like the simulation's engine: each engine's per-key hash (over the
keys' display strings, typed STRING as the simulation's synthetic and text sources are) and the
placement that turns it into a worker for any W."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.engines import flink, kafka_streams, spark, velostream
from core.engines.types import typed_column
from core.simulation.whatif.keys import Hasher, mmh3_hasher
from core.simulation.whatif.placement import KeyGroups, ModHash, Placement, check_workers

__all__ = ["engine_hook", "UnsignedModHash"]


class UnsignedModHash:
    """``h mod W`` for unsigned 64-bit hashes carried in int64 (Velostream's FNV-1a)."""

    name = "mod_hash"

    def place(self, hashes: np.ndarray, workers: int) -> np.ndarray:
        w = check_workers(workers)
        return (np.asarray(hashes, dtype=np.int64).view(np.uint64) % np.uint64(w)).astype(np.int64)


def _strings(columns: Sequence[np.ndarray]) -> list[str]:
    return ["STRING"] * len(columns)


def _velostream(columns: Sequence[np.ndarray]) -> np.ndarray:
    return velostream.fnv_hashes(columns).view(np.int64)


def _spark(columns: Sequence[np.ndarray]) -> np.ndarray:
    return spark.spark_hash(columns, _strings(columns), from_text=True).astype(np.int64)


def _kafka_streams(columns: Sequence[np.ndarray]) -> np.ndarray:
    typed = [typed_column(c, "STRING", from_text=True) for c in columns]
    return kafka_streams.partition_hashes(typed).astype(np.int64)


def _flink(columns: Sequence[np.ndarray]) -> np.ndarray:
    return flink.row_hash_codes(columns, _strings(columns), from_text=True).astype(np.int64)


def engine_hook(engine: str, max_parallelism: int | None = None) -> tuple[Hasher, Placement]:
    """(hasher, placement) that place a key where ``engine``'s hash strategies route it."""
    if engine == "flink":
        return _flink, KeyGroups(max_parallelism)
    hashers: dict[str, Hasher] = {"velostream": _velostream, "spark": _spark, "kafka-streams": _kafka_streams}
    if engine == "velostream":
        return _velostream, UnsignedModHash()
    return hashers.get(engine, mmh3_hasher), ModHash()
