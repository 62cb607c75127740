"""``PartitionedJobConfig``: the job-level partitioning settings, validated once, frozen."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from core.errors import InvalidConfigError, UnknownStrategyError
from core.hashing import HASH_FUNCTIONS
from core.limits import MAX_WORKERS
from core.strategies.base import RoutingContext
from core.strategies.names import canonical_name

__all__ = ["PartitionedJobConfig", "MAX_PARTITIONS"]

# num_partitions is Velostream's name for the worker count W.
MAX_PARTITIONS = MAX_WORKERS


def _cpu_count() -> int:
    return os.cpu_count() or 1


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class PartitionedJobConfig:
    """Velostream's partitioned-job settings.

    ``num_partitions`` is the number of workers W (Velostream's name); ``partitioning_strategy`` is
    stored canonicalised (``"Smart"`` becomes ``"smart_repartition"``). With
    ``auto_select_strategy=False`` a strategy is required, because nothing else would pick one.
    """

    partitioning_strategy: str | None = None
    auto_select_strategy: bool = True
    num_partitions: int = 4
    num_cpu_slots: int = field(default_factory=_cpu_count)
    hash_function: str = "mmh3"
    fan_in_target: int = 0

    def __post_init__(self) -> None:
        if not _is_int(self.num_partitions) or not 1 <= self.num_partitions <= MAX_PARTITIONS:
            raise InvalidConfigError(
                f"num_partitions must be an integer in 1..{MAX_PARTITIONS}, got {self.num_partitions!r}"
            )
        if not _is_int(self.num_cpu_slots) or self.num_cpu_slots < 1:
            raise InvalidConfigError(f"num_cpu_slots must be an integer >= 1, got {self.num_cpu_slots!r}")
        if not isinstance(self.auto_select_strategy, bool):
            raise InvalidConfigError(
                f"auto_select_strategy must be true or false, got {self.auto_select_strategy!r}"
            )
        if self.partitioning_strategy is not None:
            try:
                name = canonical_name(str(self.partitioning_strategy))
            except UnknownStrategyError as exc:
                raise InvalidConfigError(f"partitioning_strategy: {exc}") from exc
            object.__setattr__(self, "partitioning_strategy", name)
        elif not self.auto_select_strategy:
            raise InvalidConfigError(
                "auto_select_strategy is off but no partitioning_strategy is set; set one "
                "(e.g. 'sticky_partition') or turn auto_select_strategy on"
            )
        if self.hash_function not in HASH_FUNCTIONS:
            raise InvalidConfigError(
                f"unknown hash_function {self.hash_function!r}; valid: {', '.join(HASH_FUNCTIONS)}"
            )
        if not _is_int(self.fan_in_target) or not 0 <= self.fan_in_target < self.num_partitions:
            raise InvalidConfigError(
                f"fan_in_target must be a worker index in 0..{self.num_partitions - 1} "
                f"(num_partitions={self.num_partitions}), got {self.fan_in_target!r}"
            )

    def routing_context(
        self, routing_keys: tuple[str, ...] = (), key_serialization: str = "string"
    ) -> RoutingContext:
        """The :class:`RoutingContext` these settings imply for one statement's routing keys."""
        return RoutingContext(
            workers=self.num_partitions,
            routing_keys=tuple(routing_keys),
            hash_function=self.hash_function,
            fan_in_target=self.fan_in_target,
            key_serialization=key_serialization,
        )
