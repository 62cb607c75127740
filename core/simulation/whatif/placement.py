"""Where a key's hash puts it for W workers: the placement families the what-ifs compare.

A placement maps one hash per *distinct* key to a worker. Two families are implemented here from
their formulas; an engine module can hand in its own object with the same ``place`` method (the
hook: any object with ``name: str`` and ``place(hashes, workers) -> np.ndarray``):

* :class:`ModHash` — ``h mod W`` (Partition Lab's mmh3, Velostream's FNV-1a, Spark's ``pmod``,
  Kafka's ``murmur2 & 0x7fffffff``: the engine decides ``h``, the placement is the same).
* :class:`KeyGroups` — Flink: ``kg = murmurHash(h) % maxP``, worker ``kg * W // maxP``, where ``h``
  is the key's ``hashCode`` (a signed or unsigned 32-bit int) and ``maxP`` the max parallelism.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from core.errors import InvalidConfigError
from core.limits import MAX_WORKERS

__all__ = ["Placement", "ModHash", "KeyGroups", "default_max_parallelism", "flink_murmur_hash",
           "check_workers", "MAX_MAX_PARALLELISM"]

# Flink's upper bound for pipeline.max-parallelism (1 << 15).
MAX_MAX_PARALLELISM = 32_768
_U32 = np.uint64(0xFFFFFFFF)


@runtime_checkable
class Placement(Protocol):
    """The engine hook: a worker in ``0..workers-1`` per distinct key hash."""

    @property
    def name(self) -> str: ...

    def place(self, hashes: np.ndarray, workers: int) -> np.ndarray: ...


def check_workers(workers: object, what: str = "workers") -> int:
    """``workers`` as an int within core.limits, or a clear error."""
    integer = isinstance(workers, int | np.integer) and not isinstance(workers, bool)
    if not integer or not 1 <= workers <= MAX_WORKERS:  # type: ignore[operator]
        raise InvalidConfigError(f"{what} must be an integer 1..{MAX_WORKERS}, got {workers!r}")
    return int(workers)  # type: ignore[call-overload]


@dataclass(frozen=True)
class ModHash:
    """``h mod W``: the worker changes whenever ``h mod W`` does, so rescaling moves most keys."""

    name: str = "mod_hash"

    def place(self, hashes: np.ndarray, workers: int) -> np.ndarray:
        w = check_workers(workers)
        # Floor modulo: Spark's pmod for signed hashes, plain % for the non-negative ones.
        return np.mod(np.asarray(hashes, dtype=np.int64), w)


def default_max_parallelism(workers: int) -> int:
    """Flink's rule: ``min(max(next_power_of_two(p + p // 2), 128), 32768)``.

    >>> default_max_parallelism(4), default_max_parallelism(100)
    (128, 256)
    """
    p = check_workers(workers)
    target = p + p // 2
    return min(max(1 << (target - 1).bit_length(), 128), MAX_MAX_PARALLELISM)


def flink_murmur_hash(hashes: np.ndarray) -> np.ndarray:
    """Flink's ``MathUtils.murmurHash(int)``, vectorized: non-negative int64 per 32-bit input.

    One murmur3 round of the int with seed 0, ``^ 4``, the final mix, then ``abs`` (MIN_VALUE → 0).
    """
    # uint64 arithmetic masked to 32 bits: numpy's uint32 multiply would wrap the same way, but
    # masking keeps the steps readable next to the Java they model.
    k = np.asarray(hashes, dtype=np.int64).astype(np.uint64) & _U32
    k = (k * np.uint64(0xCC9E2D51)) & _U32
    k = ((k << np.uint64(15)) | (k >> np.uint64(17))) & _U32
    k = (k * np.uint64(0x1B873593)) & _U32
    h = ((k << np.uint64(13)) | (k >> np.uint64(19))) & _U32
    h = (h * np.uint64(5) + np.uint64(0xE6546B64)) & _U32
    h ^= np.uint64(4)
    h ^= h >> np.uint64(16)
    h = (h * np.uint64(0x85EBCA6B)) & _U32
    h ^= h >> np.uint64(13)
    h = (h * np.uint64(0xC2B2AE35)) & _U32
    h ^= h >> np.uint64(16)
    signed = h.astype(np.int64) - ((h >> np.uint64(31)).astype(np.int64) << 32)
    # abs(Integer.MIN_VALUE) overflows in Java; Flink returns 0 for it.
    return np.where(signed == -(1 << 31), 0, np.abs(signed))


@dataclass(frozen=True)
class KeyGroups:
    """Flink key groups: keys move on rescale only with a key group that changes owner.

    ``max_parallelism`` None applies Flink's default rule for each W (so it may change with W:
    then state cannot be restored; :func:`~core.simulation.whatif.rescale.rescale` warns).
    """

    max_parallelism: int | None = None
    name: str = "flink_key_groups"

    def __post_init__(self) -> None:
        m = self.max_parallelism
        if m is not None and (isinstance(m, bool) or not isinstance(m, int)
                              or not 1 <= m <= MAX_MAX_PARALLELISM):
            raise InvalidConfigError(f"max parallelism must be an integer 1..{MAX_MAX_PARALLELISM}, "
                                     f"got {m!r}")

    def max_parallelism_for(self, workers: int) -> int:
        m = self.max_parallelism if self.max_parallelism is not None else default_max_parallelism(workers)
        if workers > m:
            raise InvalidConfigError(f"{workers} workers exceed the max parallelism {m}: Flink needs "
                                     f"parallelism <= max parallelism; raise --max-parallelism or lower W")
        return m

    def key_groups(self, hashes: np.ndarray, workers: int) -> np.ndarray:
        """Key group per key hash (``murmurHash(h) % maxP``)."""
        return flink_murmur_hash(hashes) % self.max_parallelism_for(check_workers(workers))

    def place(self, hashes: np.ndarray, workers: int) -> np.ndarray:
        w = check_workers(workers)
        m = self.max_parallelism_for(w)
        return self.key_groups(hashes, w) * w // m
