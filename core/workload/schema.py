"""What a synthetic topic's records contain: key columns, value columns and event time.

A :class:`WorkloadSchema` is plain data (frozen); :mod:`core.workload.columns` derives one from a
query and :func:`core.workload.synthetic.generate` turns it into batches.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from core.errors import InvalidConfigError
from core.workload.distributions import (
    KeyDistribution,
    ValueDistribution,
    parse_distribution,
    parse_value_distribution,
)

__all__ = ["ColumnSpec", "EventTimeSpec", "WorkloadSchema", "key_vocab", "vocab_cache_bytes", "MAX_KEYS",
           "VOCAB_CACHE_BYTES"]

ColumnKind = Literal["categorical", "numeric"]
# Vocabularies are materialized object arrays; beyond this the memory (~60 bytes a key) stops
# being a what-if tool's business.
MAX_KEYS = 10_000_000


# The vocabulary cache is bounded by the memory its strings take, not by entry count: 32 entries of
# 10M keys each once held ~0.75 GB apiece (issue 11). Python str objects cost ~49 bytes + the text.
VOCAB_CACHE_BYTES = 256 << 20
_vocabs: OrderedDict[tuple[str, int], np.ndarray] = OrderedDict()
_vocab_bytes: dict[tuple[str, int], int] = {}


def _vocab_size(column: str, keys: int) -> int:
    return keys * (8 + 49 + len(column) + 1 + len(str(max(keys - 1, 0))))


def key_vocab(column: str, keys: int) -> np.ndarray:
    """The vocabulary ``column_0 .. column_{K-1}``: cached, read-only, so every batch (and every
    :func:`generate` call over the same column) shares one object and hash caches hit.

    Least recently used vocabularies are dropped once the cache holds more than
    :data:`VOCAB_CACHE_BYTES` (only the newest may exceed it alone).
    """
    entry = (column, keys)
    vocab = _vocabs.get(entry)
    if vocab is not None:
        _vocabs.move_to_end(entry)
        return vocab
    vocab = np.array([f"{column}_{i}" for i in range(keys)], dtype=object)
    vocab.setflags(write=False)
    _vocabs[entry] = vocab
    _vocab_bytes[entry] = _vocab_size(column, keys)
    while len(_vocabs) > 1 and sum(_vocab_bytes.values()) > VOCAB_CACHE_BYTES:
        old, _ = _vocabs.popitem(last=False)
        del _vocab_bytes[old]
    return vocab


def vocab_cache_bytes() -> int:
    """Estimated bytes the cached vocabularies hold (for tests and the budget)."""
    return sum(_vocab_bytes.values())


@dataclass(frozen=True)
class ColumnSpec:
    """One generated column.

    ``categorical``: ``cardinality`` keys named ``f"{name}_{i}"`` drawn by ``distribution``
    (``uniform``, ``zipf:S``, ``hot:F``). ``numeric``: floats or ints drawn by ``distribution``
    (``lognormal``, ``uniform:LO,HI``, ``normal:MEAN,STD``, ``int:LO,HI``); cardinality unused.
    """

    name: str
    kind: ColumnKind = "categorical"
    cardinality: int = 1000
    distribution: KeyDistribution | ValueDistribution | str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise InvalidConfigError(f"a column needs a non-empty name, got {self.name!r}")
        if self.kind == "categorical":
            if isinstance(self.cardinality, bool) or not isinstance(self.cardinality, int | np.integer):
                raise InvalidConfigError(f"column {self.name!r}: key count must be an integer")
            if not 1 <= self.cardinality <= MAX_KEYS:
                raise InvalidConfigError(
                    f"column {self.name!r}: key count must be between 1 and {MAX_KEYS:,}, "
                    f"got {self.cardinality}"
                )
            dist: KeyDistribution | ValueDistribution = (
                KeyDistribution() if self.distribution is None else parse_distribution(self.distribution)  # type: ignore[arg-type]
            )
            object.__setattr__(self, "cardinality", int(self.cardinality))
        elif self.kind == "numeric":
            dist = (
                ValueDistribution()
                if self.distribution is None
                else parse_value_distribution(self.distribution)  # type: ignore[arg-type]
            )
        else:
            raise InvalidConfigError(
                f"column {self.name!r}: kind must be 'categorical' or 'numeric', got {self.kind!r}"
            )
        object.__setattr__(self, "distribution", dist)

    @classmethod
    def categorical(
        cls, name: str, keys: int = 1000, distribution: str | KeyDistribution = "uniform"
    ) -> ColumnSpec:
        return cls(name, "categorical", keys, distribution)

    @classmethod
    def numeric(cls, name: str, distribution: str | ValueDistribution = "lognormal") -> ColumnSpec:
        return cls(name, "numeric", 1, distribution)

    @property
    def vocab(self) -> np.ndarray:
        if self.kind != "categorical":
            raise InvalidConfigError(f"column {self.name!r} is numeric and has no vocabulary")
        return key_vocab(self.name, self.cardinality)


@dataclass(frozen=True)
class EventTimeSpec:
    """Event time (epoch ms): record ``i`` nominally at ``start_ms + i * 1000 / rate``.

    Each record then moves by a uniform jitter in ``[-jitter_ms, jitter_ms]``; a fraction
    ``out_of_order`` of records is additionally late by ``1..max_lateness_ms`` ms, which is what
    watermarks and allowed lateness have to absorb.
    """

    start_ms: int = 1_700_000_000_000
    rate: float = 10_000.0
    jitter_ms: int = 0
    out_of_order: float = 0.0
    max_lateness_ms: int = 5_000

    def __post_init__(self) -> None:
        if not (isinstance(self.rate, int | float) and np.isfinite(self.rate) and self.rate > 0):
            raise InvalidConfigError(f"event rate must be > 0 records/s, got {self.rate!r}")
        for name in ("start_ms", "jitter_ms", "max_lateness_ms"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | np.integer):
                raise InvalidConfigError(f"event time {name} must be an integer number of ms, got {value!r}")
        if self.jitter_ms < 0:
            raise InvalidConfigError(f"event-time jitter must be >= 0 ms, got {self.jitter_ms}")
        if not 0.0 <= self.out_of_order <= 1.0:
            raise InvalidConfigError(f"out-of-order fraction must be within 0..1, got {self.out_of_order}")
        if self.max_lateness_ms < 1:
            raise InvalidConfigError(f"max lateness must be >= 1 ms, got {self.max_lateness_ms}")


@dataclass(frozen=True)
class WorkloadSchema:
    """The generated columns, the event-time model and the query's name for event time.

    ``time_column`` (e.g. a window's ``event_ts``) is served as ``batch.values[time_column]`` = the
    batch's ``event_time`` array. ``aliases`` maps other spellings of a column (``Symbol`` vs
    ``symbol``) to the generated one; a batch carries the same arrays under both names.
    """

    columns: tuple[ColumnSpec, ...] = ()
    event_time: EventTimeSpec = field(default_factory=EventTimeSpec)
    time_column: str | None = None
    aliases: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.columns))
        names = [c.name for c in self.columns]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise InvalidConfigError(f"columns defined twice: {', '.join(dupes)}")
        aliases = tuple(self.aliases.items()) if isinstance(self.aliases, Mapping) else tuple(self.aliases)
        for alias, target in aliases:
            if target not in names:
                raise InvalidConfigError(f"alias {alias!r} points at unknown column {target!r}")
        object.__setattr__(self, "aliases", aliases)

    @property
    def categorical(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.kind == "categorical")

    @property
    def numeric(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.kind == "numeric")

    @property
    def alias_map(self) -> dict[str, str]:
        return dict(self.aliases)

    def resolve(self, name: str) -> str:
        """The generated column's name for ``name`` (itself, or the column it aliases)."""
        return self.alias_map.get(name, name)

    def column(self, name: str) -> ColumnSpec:
        target = self.resolve(name)
        for col in self.columns:
            if col.name == target:
                return col
        raise InvalidConfigError(
            f"no generated column {name!r}; columns: {', '.join(c.name for c in self.columns) or '(none)'}"
        )

    def with_keys(
        self, names: Iterable[str], keys: int = 1000, distribution: str | KeyDistribution = "uniform"
    ) -> WorkloadSchema:
        """This schema plus a categorical column for every name it does not have yet."""
        have = {c.name for c in self.columns} | set(self.alias_map)
        extra = tuple(
            ColumnSpec.categorical(n, keys, distribution) for n in dict.fromkeys(names) if n not in have
        )
        return replace(self, columns=self.columns + extra) if extra else self
