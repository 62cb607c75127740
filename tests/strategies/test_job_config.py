"""PartitionedJobConfig: defaults, canonical names and clear refusals."""

from __future__ import annotations

import dataclasses
import os

import pytest

from core.errors import InvalidConfigError
from core.strategies import PartitionedJobConfig


def test_defaults() -> None:
    config = PartitionedJobConfig()
    assert config.partitioning_strategy is None and config.auto_select_strategy
    assert config.num_partitions == 4
    assert config.num_cpu_slots == (os.cpu_count() or 1)
    assert config.hash_function == "mmh3" and config.fan_in_target == 0


def test_strategy_name_is_canonicalised_and_config_is_frozen() -> None:
    config = PartitionedJobConfig(partitioning_strategy="Smart")
    assert config.partitioning_strategy == "smart_repartition"
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.num_partitions = 8  # type: ignore[misc]
    assert dataclasses.replace(config, num_partitions=8).partitioning_strategy == "smart_repartition"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"num_partitions": 0}, "num_partitions must be an integer in 1..1024"),
        ({"num_partitions": 1025}, "1..1024"),
        ({"num_partitions": True}, "num_partitions"),
        ({"num_cpu_slots": 0}, "num_cpu_slots"),
        ({"partitioning_strategy": "bogus"}, "partitioning_strategy: unknown strategy 'bogus'"),
        ({"auto_select_strategy": False}, "no partitioning_strategy is set"),
        ({"fan_in_target": 4}, r"fan_in_target must be a worker index in 0\.\.3"),
        ({"fan_in_target": -1}, "fan_in_target"),
        ({"hash_function": "sha1"}, "valid: murmur2, crc32, fnv1a64, mmh3"),
    ],
)
def test_refusals(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidConfigError, match=message):
        PartitionedJobConfig(**kwargs)  # type: ignore[arg-type]


def test_routing_context_from_config() -> None:
    config = PartitionedJobConfig(num_partitions=8, hash_function="murmur2", fan_in_target=7,
                                  auto_select_strategy=False, partitioning_strategy="fanin")
    ctx = config.routing_context(("a", "b"))
    assert (ctx.workers, ctx.routing_keys) == (8, ("a", "b"))
    assert (ctx.hash_function, ctx.fan_in_target) == ("murmur2", 7)
