"""What every engine module provides: an :class:`Engine` (name, key → worker function, docs).

The worker function works on *distinct* keys: one array per key column (row ``i`` of every array is
key ``i``), the columns' canonical types, the worker count and the :class:`EngineSettings`; it
returns one worker per key. Callers hash each distinct key once and gather by key code
(:mod:`core.engines.routing`). ``plan_rules`` is where an engine's planner facts (which exchanges
it inserts, what it never trusts) will live beside its hash.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from core.errors import InvalidConfigError
from core.limits import MAX_WORKERS
from core.model.plan import PlanRules

__all__ = ["Engine", "EngineSettings", "WorkersFn", "check_workers"]

# (distinct key columns, canonical types, workers, settings, values_are_text) -> worker per key.
WorkersFn = Callable[[Sequence[np.ndarray], Sequence[str], int, "EngineSettings", bool], np.ndarray]


@dataclass(frozen=True)
class EngineSettings:
    """Engine options that change placement.

    ``max_parallelism``: Flink's key-group count (None = Flink's default rule for the parallelism).
    Other engines ignore it; Spark's partition count and Kafka's partition count are the ``workers``
    argument itself.
    """

    max_parallelism: int | None = None

    def __post_init__(self) -> None:
        m = self.max_parallelism
        integer = isinstance(m, int | np.integer) and not isinstance(m, bool)
        if m is not None and (not integer or not 1 <= m <= 32768):
            raise InvalidConfigError(
                f"max parallelism must be an integer in 1..32768 (Flink's bound), got {m!r}")


@dataclass(frozen=True)
class Engine:
    """One engine: how it places a key, and what to tell a user about it.

    ``workers_of`` is vectorized over distinct keys; ``hash_doc`` is the one-line rule shown in
    ``--help`` and reports; ``worker_word`` says what a worker is called there (subtask, partition).
    ``multi_column_exact`` is False where several key columns are an approximation (documented in
    the engine's module).
    """

    name: str
    workers_of: WorkersFn
    hash_doc: str
    worker_word: str = "worker"
    multi_column_exact: bool = True
    supported_types: tuple[str, ...] = ()
    max_workers: int = MAX_WORKERS
    accepts_null: bool = True
    plan_rules: PlanRules | None = None

    def workers(self, columns: Sequence[np.ndarray], types: Sequence[str], workers: int,
                settings: EngineSettings | None = None, *, from_text: bool = False) -> np.ndarray:
        """Worker (int32) of each distinct key; ``columns`` are aligned arrays of the keys' values."""
        check_workers(workers, self.max_workers, self.worker_word)
        if len(columns) != len(types) or not columns:
            raise InvalidConfigError(
                f"{self.name}: give one type per key column and at least one column; got "
                f"{len(columns)} column(s) and {len(types)} type(s)")
        lengths = {len(c) for c in columns}
        if len(lengths) != 1:
            raise InvalidConfigError(f"{self.name}: key columns differ in length: {sorted(lengths)}")
        if self.supported_types:
            bad = [t for t in types if t not in self.supported_types]
            if bad:
                raise InvalidConfigError(
                    f"{self.name} cannot hash key type {bad[0]}; it supports "
                    f"{', '.join(self.supported_types)}")
        out = self.workers_of(columns, types, int(workers), settings or EngineSettings(), from_text)
        return np.asarray(out, dtype=np.int32)


def check_workers(workers: object, high: int = MAX_WORKERS, word: str = "worker") -> None:
    """Refuse a worker count outside ``1..high`` (core.limits bounds)."""
    if isinstance(workers, bool) or not isinstance(workers, int | np.integer) or not 1 <= workers <= high:
        raise InvalidConfigError(f"the {word} count must be an integer in 1..{high}, got {workers!r}")
