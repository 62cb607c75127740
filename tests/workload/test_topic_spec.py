"""TopicSpec defaults and validation."""

from __future__ import annotations

import pytest

from core.errors import InvalidConfigError
from core.workload.synthetic import TopicSpec


def test_default_producer_follows_the_key() -> None:
    assert TopicSpec("t", 6, ("symbol",)).producer == "murmur2"
    assert TopicSpec("t", 6).producer == "sticky"
    assert TopicSpec("t", 6, ("a",), producer="Round-Robin").producer == "round_robin"
    assert TopicSpec("t", 6, "symbol").key_columns == ("symbol",)  # type: ignore[arg-type]


def test_sticky_run_switches_once_batch_size_reached() -> None:
    assert TopicSpec("t", 3).sticky_run == 164  # ceil(16384 / 100): Kafka switches at >= batch.size
    assert TopicSpec("t", 3, batch_size_bytes=1000, record_bytes=100).sticky_run == 10
    assert TopicSpec("t", 3, batch_size_bytes=10, record_bytes=100).sticky_run == 1


def test_keyed_flag() -> None:
    assert TopicSpec("t", 2, ("k",), producer="crc32").keyed
    assert not TopicSpec("t", 2, ("k",), producer="sticky").keyed


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"partitions": 0}, "between 1 and 100,000"),
        ({"partitions": 100_001}, "between 1 and 100,000"),
        ({"partitions": True}, "must be an integer"),
        ({"partitions": 2.5}, "must be an integer"),
        ({"name": ""}, "non-empty"),
        ({"producer": "random"}, "murmur2, crc32, sticky, round_robin"),
        ({"producer": "murmur2", "key_columns": ()}, "no key columns"),
        ({"key_columns": ("a", "a")}, "distinct"),
        ({"key_columns": ("",)}, "distinct non-empty"),
        ({"batch_size_bytes": 0}, "batch_size_bytes"),
        ({"record_bytes": -5}, "record_bytes"),
    ],
)
def test_invalid_topic_specs(kwargs: dict[str, object], fragment: str) -> None:
    args: dict[str, object] = {"name": "orders", "partitions": 4, "key_columns": ("k",)}
    args.update(kwargs)
    with pytest.raises(InvalidConfigError, match=fragment.replace("(", r"\(")):
        TopicSpec(**args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("given", "expected"),
    [("consistent_random", "crc32"), ("murmur2_random", "murmur2"), ("default", "murmur2"), ("", "murmur2"),
     ("ROUNDROBIN", "round_robin")],
)
def test_client_spellings_of_producers(given: str, expected: str) -> None:
    assert TopicSpec("t", 2, ("k",), producer=given).producer == expected


def test_non_string_producer_is_refused() -> None:
    with pytest.raises(InvalidConfigError, match="must be a name"):
        TopicSpec("t", 2, ("k",), producer=3)  # type: ignore[arg-type]
