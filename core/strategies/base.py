"""What every strategy shares: the routing context and the :class:`Strategy` interface.

A strategy maps each record of a :class:`~core.workload.batch.Batch` to a worker id in
``0..W-1`` with whole-batch numpy operations; per-key work (hashing) happens once per distinct key.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from core import hashing
from core.engines import DEFAULT_ENGINE, EngineSettings, get_engine
from core.engines.routing import column_type, engine_worker_ids, factorize_values
from core.engines.types import canonical_type
from core.errors import InvalidConfigError
from core.model.profile import QueryProfile
from core.strategies.validation import validate as _validate
from core.workload.batch import Batch

__all__ = ["RoutingContext", "Strategy", "hash_route", "source_route"]


@dataclass(frozen=True)
class RoutingContext:
    """Job-wide routing settings: ``workers`` (W), the routing-key columns and the hash.

    ``key_serialization`` is how single-column key values become bytes (``string``/``int32``/
    ``int64``, see :mod:`core.hashing`); ``cache`` holds vocabulary hashes across batches.
    ``engine`` (see :mod:`core.engines`) other than ``partition-lab`` routes hashed records with that
    engine's exact worker function, ``key_types`` giving each routing key's SQL type (None or missing
    = inferred from the data: text → STRING) and ``engine_settings`` e.g. Flink's max parallelism.
    """

    workers: int
    routing_keys: tuple[str, ...] = ()
    hash_function: str = "mmh3"
    fan_in_target: int = 0
    key_serialization: str = "string"
    cache: hashing.VocabHashCache = field(
        default_factory=lambda: hashing.DEFAULT_CACHE, repr=False, compare=False
    )
    engine: str = DEFAULT_ENGINE
    engine_settings: EngineSettings = field(default_factory=EngineSettings)
    key_types: tuple[str | None, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "engine", get_engine(self.engine).name)
        object.__setattr__(self, "key_types",
                           tuple(None if t is None else canonical_type(t) for t in self.key_types))
        if isinstance(self.workers, bool) or not isinstance(self.workers, int | np.integer):
            raise InvalidConfigError(f"workers must be an integer, got {self.workers!r}")
        if self.workers < 1:
            raise InvalidConfigError(f"workers must be >= 1, got {self.workers}; use at least one worker")
        if isinstance(self.routing_keys, str):
            # A bare string would otherwise be read as one key per character.
            object.__setattr__(self, "routing_keys", (self.routing_keys,))
        else:
            object.__setattr__(self, "routing_keys", tuple(self.routing_keys))
        if self.hash_function not in hashing.HASH_FUNCTIONS:
            raise InvalidConfigError(
                f"unknown hash function {self.hash_function!r}; valid: {', '.join(hashing.HASH_FUNCTIONS)}"
            )
        if self.key_serialization not in hashing.KEY_SERIALIZATIONS:
            raise InvalidConfigError(
                f"unknown key serialization {self.key_serialization!r}; "
                f"valid: {', '.join(hashing.KEY_SERIALIZATIONS)}"
            )
        if not 0 <= self.fan_in_target < self.workers:
            raise InvalidConfigError(
                f"fan_in_target must be in 0..{self.workers - 1} for {self.workers} workers, "
                f"got {self.fan_in_target}"
            )


class Strategy(ABC):
    """Maps records to workers. Instances are stateful per job (round-robin counter, smart hits)."""

    name: ClassVar[str]

    def __init__(self) -> None:
        self.records = 0

    @abstractmethod
    def _route(self, batch: Batch, ctx: RoutingContext) -> np.ndarray:
        """Worker per record (any integer dtype), in batch order."""

    def route(self, batch: Batch, ctx: RoutingContext) -> np.ndarray:
        """One int32 worker id in ``0..ctx.workers-1`` per record, in batch order."""
        workers = np.asarray(self._route(batch, ctx), dtype=np.int32)
        self.records += len(batch)
        return workers

    def stats(self) -> dict[str, Any]:
        """Counters for reports; subclasses add their own."""
        return {"strategy": self.name, "records": self.records}

    def validate(self, profile: QueryProfile, routing_keys: tuple[str, ...]) -> tuple[str, ...]:
        """Reasons this strategy refuses the statement (empty when accepted)."""
        return _validate(self.name, profile, routing_keys)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def source_route(batch: Batch, workers: int) -> np.ndarray:
    """``source_partition % W``: the worker that reads the record without any shuffle."""
    return np.remainder(batch.partition, workers).astype(np.int32, copy=False)


def hash_route(batch: Batch, ctx: RoutingContext) -> np.ndarray:
    """``hash(routing key values) % W`` over the whole batch, hashing each distinct key once.

    With no routing keys every record goes to worker 0: like the engine, a forced hash strategy
    without keys collapses onto one worker (validate() reports it; the run still goes ahead).
    """
    if not ctx.routing_keys:
        return np.zeros(len(batch), dtype=np.int32)
    if ctx.engine != DEFAULT_ENGINE:
        return _engine_route(batch, ctx)
    codes, vocabs = _key_columns(batch, ctx, _factorize_numeric)
    return hashing.worker_ids(
        codes, vocabs, ctx.workers, ctx.hash_function, ctx.key_serialization, ctx.cache
    )


def _engine_route(batch: Batch, ctx: RoutingContext) -> np.ndarray:
    # Engines hash typed values, so numeric columns keep their numbers (not display strings).
    codes, vocabs = _key_columns(batch, ctx, factorize_values)
    types = [column_type(vocab, ctx.key_types[i] if i < len(ctx.key_types) else None)
             for i, vocab in enumerate(vocabs)]
    return engine_worker_ids(get_engine(ctx.engine), codes, vocabs, types, ctx.workers,
                             ctx.engine_settings, ctx.cache)


def _key_columns(
    batch: Batch, ctx: RoutingContext, factorize: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Codes and vocabulary of each routing column: categorical as the batch has them, numeric
    factorized by ``factorize``; a missing column is an error naming the ones there are."""
    codes, vocabs = [], []
    for column in ctx.routing_keys:
        if column in batch.codes:
            codes.append(batch.codes[column])
            vocabs.append(batch.vocab[column])
        elif column in batch.values:
            col_codes, vocab = factorize(batch.values[column])
            codes.append(col_codes)
            vocabs.append(vocab)
        else:
            raise InvalidConfigError(
                f"routing key {column!r} is not a column of the batch; available: "
                f"{', '.join(batch.columns) or '(none)'}; fix the routing keys or the source columns"
            )
    return codes, vocabs


def _factorize_numeric(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes and display-string vocab for a numeric column (hashed by display string)."""
    distinct, inverse = np.unique(values, return_inverse=True)
    vocab = np.array([hashing.display_string(v) for v in distinct.tolist()], dtype=object)
    return inverse.reshape(-1), vocab
