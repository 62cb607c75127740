"""Synthetic Kafka topics: :class:`TopicSpec` + :class:`WorkloadSchema` -> columnar batches.

Reproducibility: the data depend on ``seed`` only, *not* on ``batch_size``. Random columns are
drawn in fixed blocks of 65,536 records, each block from its own generator seeded by
``(seed, column, block)``; producers and offsets are functions of the global record index. So
``generate(..., batch_size=1000)`` concatenated equals ``generate(..., batch_size=262144)``, and
adding a column does not change the others (a column's stream is keyed by its name).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from core.errors import InvalidConfigError
from core.limits import MAX_PARTITIONS
from core.workload.batch import Batch
from core.workload.columns import columns_for
from core.workload.distributions import KeyDistribution, ValueDistribution, parse_distribution
from core.workload.producers import (
    KeyHashPartitioner,
    OffsetCounter,
    RoundRobinPartitioner,
    StickyPartitioner,
)
from core.workload.schema import ColumnSpec, EventTimeSpec, WorkloadSchema

__all__ = [
    "PRODUCERS",
    "MAX_PARTITIONS",
    "TopicSpec",
    "ColumnSpec",
    "EventTimeSpec",
    "WorkloadSchema",
    "columns_for",
    "parse_distribution",
    "generate",
]

PRODUCERS = ("murmur2", "crc32", "sticky", "round_robin")
# Client spellings: librdkafka's partitioner names and the Java class's name.
_PRODUCER_ALIASES = {
    "roundrobin": "round_robin",
    "round": "round_robin",
    "consistent_random": "crc32",
    "consistent": "crc32",
    "murmur2_random": "murmur2",
    "default": None,
}
_BLOCK = 1 << 16
_EVENT_STREAM = 0xE7E7


@dataclass(frozen=True)
class TopicSpec:
    """A source topic: name, partition count, key columns and the producer's partitioner.

    ``producer`` None means the Java client's default: ``murmur2`` when the records have a key,
    else ``sticky``. ``batch_size_bytes`` and ``record_bytes`` only matter to ``sticky``.
    """

    name: str = "source"
    partitions: int = 12
    key_columns: tuple[str, ...] = ()
    producer: str | None = None
    batch_size_bytes: int = 16384
    record_bytes: int = 100

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise InvalidConfigError(f"topic name must be a non-empty string, got {self.name!r}")
        if isinstance(self.partitions, bool) or not isinstance(self.partitions, int | np.integer):
            raise InvalidConfigError(
                f"topic {self.name!r}: partitions must be an integer, got {self.partitions!r}"
            )
        if not 1 <= self.partitions <= MAX_PARTITIONS:
            raise InvalidConfigError(
                f"topic {self.name!r}: partitions must be between 1 and {MAX_PARTITIONS:,}, "
                f"got {self.partitions}"
            )
        object.__setattr__(self, "partitions", int(self.partitions))
        keys = (self.key_columns,) if isinstance(self.key_columns, str) else tuple(self.key_columns)
        if any(not isinstance(k, str) or not k.strip() for k in keys) or len(set(keys)) != len(keys):
            raise InvalidConfigError(
                f"topic {self.name!r}: key columns must be distinct non-empty names, got {list(keys)}"
            )
        object.__setattr__(self, "key_columns", keys)
        if self.producer is not None and not isinstance(self.producer, str):
            raise InvalidConfigError(f"topic {self.name!r}: producer must be a name, got {self.producer!r}")
        producer = self.producer.strip().lower().replace("-", "_") if self.producer else None
        producer = _PRODUCER_ALIASES.get(producer, producer) if producer else None
        if producer is None:
            producer = "murmur2" if keys else "sticky"
        if producer not in PRODUCERS:
            raise InvalidConfigError(
                f"topic {self.name!r}: unknown producer {self.producer!r}; valid: {', '.join(PRODUCERS)}"
            )
        if producer in ("murmur2", "crc32") and not keys:
            raise InvalidConfigError(
                f"topic {self.name!r}: producer {producer!r} hashes the record key but no key columns were "
                "given; declare key columns or use 'sticky'/'round_robin' for null keys"
            )
        object.__setattr__(self, "producer", producer)
        for field_name in ("batch_size_bytes", "record_bytes"):
            value = getattr(self, field_name)
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
                raise InvalidConfigError(
                    f"topic {self.name!r}: {field_name} must be an integer >= 1, got {value!r}"
                )

    @property
    def keyed(self) -> bool:
        """True when the producer places records by hashing the key (alignment is possible)."""
        return self.producer in ("murmur2", "crc32")

    @property
    def sticky_run(self) -> int:
        """Records a sticky producer sends to one partition before switching (KIP-794:
        switch once at least ``batch.size`` bytes went there)."""
        return max(1, math.ceil(self.batch_size_bytes / self.record_bytes))


def _stream_id(name: str) -> int:
    # 64 bits of a stable digest: two columns never share a random stream by accident.
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "little")


class _BlockedColumn:
    """A column drawn block by block, so any record range is reproducible on its own."""

    def __init__(
        self, seed: int, stream: int, draw: Callable[[np.random.Generator, int], np.ndarray]
    ) -> None:
        self._seed, self._stream, self._draw = seed, stream, draw
        self._cached: tuple[int, np.ndarray] | None = None

    def _block(self, index: int) -> np.ndarray:
        if self._cached is None or self._cached[0] != index:
            rng = np.random.default_rng([self._seed, self._stream, index])
            self._cached = (index, self._draw(rng, _BLOCK))
        return self._cached[1]

    def take(self, start: int, count: int) -> np.ndarray:
        end = start + count
        pieces = []
        for block in range(start // _BLOCK, (end - 1) // _BLOCK + 1):
            lo, hi = max(start, block * _BLOCK), min(end, (block + 1) * _BLOCK)
            pieces.append(self._block(block)[lo - block * _BLOCK : hi - block * _BLOCK])
        return pieces[0].copy() if len(pieces) == 1 else np.concatenate(pieces)


def _key_drawer(spec: ColumnSpec) -> Callable[[np.random.Generator, int], np.ndarray]:
    dist = spec.distribution
    assert isinstance(dist, KeyDistribution)
    return lambda rng, n: dist.sample(rng, spec.cardinality, n)


def _value_drawer(spec: ColumnSpec) -> Callable[[np.random.Generator, int], np.ndarray]:
    dist = spec.distribution
    assert isinstance(dist, ValueDistribution)
    return lambda rng, n: dist.sample(rng, n)


def _event_drawer(et: EventTimeSpec) -> Callable[[np.random.Generator, int], np.ndarray]:
    def draw(rng: np.random.Generator, n: int) -> np.ndarray:
        shift = np.zeros(n, dtype=np.int64)
        if et.jitter_ms:
            shift += rng.integers(-et.jitter_ms, et.jitter_ms, size=n, endpoint=True, dtype=np.int64)
        if et.out_of_order:
            late = rng.random(n) < et.out_of_order
            shift[late] -= rng.integers(
                1, et.max_lateness_ms, size=int(late.sum()), endpoint=True, dtype=np.int64
            )
        return shift

    return draw


def _nominal_ms(start: int, count: int, rate: float, ms_per_record: float) -> np.ndarray:
    """Offset of records ``start..start+count`` from ``start_ms``; exact integer math for whole rates
    (``i * 0.1`` in floats lands a hair under an integer and would floor one ms early)."""
    if float(rate).is_integer():
        return (np.arange(start, start + count, dtype=np.int64) * 1000) // int(rate)
    return np.floor(np.arange(start, start + count, dtype=np.float64) * ms_per_record).astype(np.int64)


def _check_args(records: int, seed: int, batch_size: int) -> None:
    for name, value, low in (("records", records, 0), ("seed", seed, 0), ("batch_size", batch_size, 1)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
            raise InvalidConfigError(f"{name} must be an integer >= {low}, got {value!r}")


def generate(
    spec: TopicSpec,
    schema: WorkloadSchema | None,
    records: int,
    seed: int = 0,
    batch_size: int = 262_144,
) -> Iterator[Batch]:
    """Yield ``records`` records of ``spec``'s topic as batches of at most ``batch_size``.

    Every batch carries ``partition`` (the producer's choice), ``offset`` (consecutive per partition
    across batches), ``event_time``, ``codes``/``vocab`` for categorical columns (one shared vocab
    object per column for the whole run) and ``values`` for numeric ones. Key columns of ``spec``
    missing from ``schema`` are added as uniform 1,000-key columns; ``schema`` None means just those.
    """
    _check_args(records, seed, batch_size)
    schema = (schema or WorkloadSchema()).with_keys(
        schema.resolve(k) if schema else k for k in spec.key_columns
    )
    for key in spec.key_columns:
        if schema.column(key).kind != "categorical":
            raise InvalidConfigError(
                f"topic key column {key!r} must be categorical, but the schema makes it numeric"
            )
    return _generate(spec, schema, int(records), int(seed), int(batch_size))


def _generate(
    spec: TopicSpec, schema: WorkloadSchema, records: int, seed: int, batch_size: int
) -> Iterator[Batch]:
    columns = {
        c.name: _BlockedColumn(
            seed, _stream_id(c.name), _key_drawer(c) if c.kind == "categorical" else _value_drawer(c)
        )
        for c in schema.columns
    }
    vocab = {c.name: c.vocab for c in schema.columns if c.kind == "categorical"}
    et = schema.event_time
    shifts = (
        _BlockedColumn(seed, _EVENT_STREAM, _event_drawer(et)) if et.jitter_ms or et.out_of_order else None
    )
    key_names = [schema.resolve(k) for k in spec.key_columns]
    hashing = (
        KeyHashPartitioner(spec.producer or "murmur2", spec.partitions, [vocab[k] for k in key_names])
        if spec.keyed
        else None
    )
    sticky = StickyPartitioner(spec.partitions, spec.sticky_run, seed)
    round_robin = RoundRobinPartitioner(spec.partitions)
    offsets = OffsetCounter(spec.partitions)
    ms_per_record = 1000.0 / et.rate

    for start in range(0, records, batch_size):
        n = min(batch_size, records - start)
        codes = {name: col.take(start, n) for name, col in columns.items() if name in vocab}
        values = {name: col.take(start, n) for name, col in columns.items() if name not in vocab}
        if spec.producer == "sticky":
            partition = sticky.assign(start, n)
        elif spec.producer == "round_robin":
            partition = round_robin.assign(start, n)
        else:
            assert hashing is not None
            partition = hashing.assign([codes[k] for k in key_names])
        event_time = et.start_ms + _nominal_ms(start, n, et.rate, ms_per_record)
        if shifts is not None:
            event_time += shifts.take(start, n)
        for alias, target in schema.aliases:
            (codes if target in vocab else values)[alias] = (codes if target in vocab else values)[target]
        batch_vocab = {name: vocab[schema.resolve(name)] for name in codes}
        if schema.time_column:
            values[schema.time_column] = event_time
        yield Batch(
            partition=partition,
            offset=offsets.assign(partition),
            event_time=event_time,
            codes=codes,
            vocab=batch_vocab,
            values=values,
        )
