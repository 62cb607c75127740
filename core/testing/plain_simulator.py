"""A plain per-record Python simulator: the yardstick the benchmark measures ``simulate`` against.

It is deliberately straightforward — what a careful engineer would write without numpy: for each
record and each strategy, take the worker from the per-record reference router
(:func:`core.testing.reference.route_reference`), then update that worker's dict of GROUP BY
aggregates; one more dict holds the reference aggregation (one worker seeing every record). At
the end each strategy's groups are compared with the reference. It reads the same synthetic topic
as ``simulate`` (same schema, producer, seed), so both compute the same answer.

Only plain ``GROUP BY`` aggregations (COUNT/SUM/AVG/MIN/MAX, no window) are supported: that is
the benchmark's query.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from core.decide.api import analyze
from core.errors import InvalidConfigError
from core.model.profile import QueryProfile
from core.strategies.base import RoutingContext
from core.strategies.names import STRATEGY_NAMES, canonical_name
from core.testing.reference import ReferenceState, route_reference
from core.workload.batch import Batch
from core.workload.columns import plain_name
from core.workload.synthetic import TopicSpec, columns_for, generate

__all__ = ["PlainResult", "PlainStrategy", "plain_simulate", "SUPPORTED"]

SUPPORTED = ("COUNT", "SUM", "AVG", "MIN", "MAX")
_HASHING = ("always_hash", "smart_repartition")


@dataclass(frozen=True)
class PlainStrategy:
    """One strategy's outcome: records per worker, groups and whether it matched the reference."""

    strategy: str
    loads: tuple[int, ...]
    groups: int
    fragmented_groups: int
    wrong_groups: int

    @property
    def correct(self) -> bool:
        return self.fragmented_groups == 0 and self.wrong_groups == 0


@dataclass(frozen=True)
class PlainResult:
    records: int
    workers: int
    seconds: float
    strategies: dict[str, PlainStrategy]

    @property
    def records_per_s(self) -> float:
        return self.records / self.seconds if self.seconds > 0 else math.inf


def _new_state() -> list[float]:
    # count(*), non-null count, sum, min, max
    return [0, 0, 0.0, math.inf, -math.inf]


def _update(state: dict[Any, list[float]], key: Any, value: float | None) -> None:
    row = state.get(key)
    if row is None:
        row = state[key] = _new_state()
    row[0] += 1
    if value is not None and value == value:  # NULL / NaN do not count, as in SQL
        row[1] += 1
        row[2] += value
        if value < row[3]:
            row[3] = value
        if value > row[4]:
            row[4] = value


def _emit(row: list[float], functions: Sequence[str]) -> tuple[float | None, ...]:
    out: list[float | None] = []
    for func in functions:
        if func == "COUNT":
            out.append(row[0])
        elif func == "SUM":
            out.append(row[2])
        elif func == "AVG":
            out.append(row[2] / row[1] if row[1] else None)
        elif func == "MIN":
            out.append(row[3] if row[1] else None)
        else:
            out.append(row[4] if row[1] else None)
    return tuple(out)


def _same(a: tuple[float | None, ...], b: tuple[float | None, ...]) -> bool:
    # Summation order differs between workers and the reference: compare floats with a tolerance.
    return all((x is None and y is None)
               or (x is not None and y is not None and math.isclose(x, y, rel_tol=1e-9))
               for x, y in zip(a, b, strict=True))


def _judge(name: str, workers: list[dict[Any, list[float]]], reference: dict[Any, list[float]],
           functions: Sequence[str], loads: list[int]) -> PlainStrategy:
    """Fragmented: emitted by several workers; wrong: not emitted exactly once with the reference value."""
    emitted: dict[Any, list[tuple[float | None, ...]]] = {}
    for state in workers:
        for key, row in state.items():
            emitted.setdefault(key, []).append(_emit(row, functions))
    fragmented = sum(1 for rows in emitted.values() if len(rows) > 1)
    wrong = 0
    for key, row in reference.items():
        rows = emitted.get(key, [])
        if len(rows) != 1 or not _same(rows[0], _emit(row, functions)):
            wrong += 1
    return PlainStrategy(name, tuple(loads), len(reference), fragmented, wrong)


def _plan(profile: QueryProfile) -> tuple[str, str | None, tuple[str, ...]]:
    """(group column, value column or None, aggregate functions) of a plain GROUP BY statement."""
    if profile.window is not None or len(profile.group_by) != 1:
        raise InvalidConfigError("the plain simulator handles one GROUP BY column without a window; "
                                 "use a query such as SELECT k, COUNT(*), SUM(v) FROM t GROUP BY k")
    key = plain_name(profile.group_by[0])
    values = {plain_name(a.column) for a in profile.aggregates if a.column}
    functions = tuple(a.function.upper() for a in profile.aggregates)
    if key is None or len(values) > 1 or None in values or any(f not in SUPPORTED for f in functions):
        raise InvalidConfigError(f"the plain simulator supports {', '.join(SUPPORTED)} over one plain column")
    return key, next(iter(values), None), functions


def _batches(profile: QueryProfile, records: int, partitions: int, keys: int, distribution: str,
             seed: int, batch_size: int) -> Iterator[Batch]:
    # The same topic simulate() builds for a statement without a declared source key.
    schema = columns_for(profile, (), keys=keys, distribution=distribution)
    return generate(TopicSpec(partitions=partitions), schema, records, seed, batch_size)


def plain_simulate(sql: str, *, records: int, workers: int, partitions: int = 8, keys: int = 1000,
                   distribution: str = "uniform", seed: int = 0, batch_size: int = 10_000,
                   strategies: Sequence[str] = STRATEGY_NAMES, hash_function: str = "mmh3") -> PlainResult:
    """Simulate the last statement of ``sql`` record by record under each strategy.

    ``seconds`` covers everything ``simulate`` also does: analysis, replay and the final verdicts.
    """
    started = time.perf_counter()
    profile = analyze(sql).statements[-1].profile
    key_column, value_column, functions = _plan(profile)
    names = [canonical_name(s) for s in strategies]
    contexts = {n: RoutingContext(workers=workers, routing_keys=(key_column,) if n in _HASHING else (),
                                  hash_function=hash_function) for n in names}
    routers = {n: ReferenceState() for n in names}
    states: dict[str, list[dict[Any, list[float]]]] = {n: [{} for _ in range(workers)] for n in names}
    loads = {n: [0] * workers for n in names}
    reference: dict[Any, list[float]] = {}
    done = 0
    for batch in _batches(profile, records, partitions, keys, distribution, seed, batch_size):
        vocab = batch.vocab[key_column]
        codes = batch.codes[key_column].tolist()
        amounts = batch.values[value_column].tolist() if value_column else [None] * len(codes)
        routes = {n: route_reference(n, batch, contexts[n], routers[n]).tolist() for n in names}
        for i in range(len(codes)):
            key = vocab[codes[i]]
            value = amounts[i]
            _update(reference, key, value)
            for n in names:
                worker = routes[n][i]
                loads[n][worker] += 1
                _update(states[n][worker], key, value)
        done += len(codes)
    judged = {n: _judge(n, states[n], reference, functions, loads[n]) for n in names}
    return PlainResult(done, workers, time.perf_counter() - started, judged)
