"""Correctness warnings, whatever the tree: does the strategy co-locate the keys each clause needs?

As in Velostream, every worker keeps its own state (aggregates, windows, DISTINCT, LIMIT) and nothing
merges across workers, so a clause whose equal keys are spread over workers yields partial or
wrong results.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.analysis.alignment import alignment_of, norm
from core.analysis.decision import SourceMeta
from core.analysis.profile import QueryProfile
from core.analysis.routing_keys import analytic_keys, distinct_keys

__all__ = ["Need", "needs", "co_locates", "broken_needs", "correctness_warnings"]

_HASHING = ("always_hash", "smart_repartition")


@dataclass(frozen=True)
class Need:
    """A clause that needs every record with equal ``keys`` on one worker (no keys: one worker)."""

    clause: str
    keys: tuple[str, ...]
    sides: tuple[tuple[str, tuple[str, ...]], ...]  # (source, its key columns) that must be aligned
    outcome: str


def needs(p: QueryProfile) -> tuple[Need, ...]:
    """The co-location needs of a statement, in clause order."""
    every = tuple((s, ()) for s in p.sources)
    found: list[Need] = []
    for join in p.joins:
        pairs = join.keys
        left, right = tuple(a for a, _ in pairs), tuple(b for _, b in pairs)
        found.append(Need(f"JOIN {join.left} with {join.right}", left + right,
                          ((join.left, left), (join.right, right)),
                          "matches are missed where equal join keys sit on different workers"))
    if p.group_by:
        g = p.grouping_keys
        found.append(Need(f"GROUP BY {', '.join(p.group_by)}", g, tuple((s, g) for s in p.sources),
                          "each worker emits its own partial groups"))
    elif p.global_aggregate or p.aggregates:
        found.append(Need("global aggregate", (), every, "each worker emits its own partial total"))
    if p.distinct and not p.group_by and distinct_keys(p):
        d = distinct_keys(p)
        found.append(Need("DISTINCT", d, tuple((s, d) for s in p.sources),
                          "each worker de-duplicates only what it saw and duplicates remain"))
    if p.analytic:
        a = analytic_keys(p)
        found.append(Need(f"OVER window ({', '.join(x.function for x in p.analytic)})", a,
                          tuple((s, a) for s in p.sources),
                          "each worker computes the window over only its share of the rows"))
    if p.limit is not None:
        found.append(Need(f"LIMIT {p.limit}", (), every,
                          f"each worker applies its own LIMIT, giving up to {p.limit} rows per worker"))
    return tuple(found)


def co_locates(
    strategy: str, routing_keys: Sequence[str], need: Need, sources: Mapping[str, SourceMeta]
) -> bool | None:
    """Whether ``strategy`` puts equal ``need.keys`` on one worker (None: depends on the source key)."""
    if strategy == "fan_in":
        return True
    if strategy in _HASHING:
        if not routing_keys:
            return True  # hashing nothing sends every record to one worker: correct, not parallel
        return bool(need.keys) and {norm(k) for k in routing_keys} <= {norm(k) for k in need.keys}
    if strategy == "sticky_partition":
        if not need.keys:
            return False
        verdicts = [alignment_of([side], sources, keys) for side, keys in need.sides]
        if False in verdicts or not verdicts:
            return False
        return True if all(v is True for v in verdicts) else None
    return False  # round_robin deals records out in turn: equal keys meet only by chance


def _why(strategy: str, routing_keys: Sequence[str], need: Need) -> str:
    if strategy == "round_robin":
        return "round_robin deals records out in turn"
    if strategy in _HASHING:
        wanted = ", ".join(dict.fromkeys(need.keys)) or "nothing (one place must see every record)"
        return f"{strategy} hashes ({', '.join(routing_keys)}), not a subset of {wanted}"
    if not need.keys:
        return "sticky_partition keeps each source partition on its own worker, but this clause needs " \
               "one place to see every record"
    return f"sticky_partition keeps source partitions together, and the source is not keyed by " \
           f"({', '.join(need.keys)})"


def broken_needs(
    p: QueryProfile, strategy: str, routing_keys: Sequence[str], sources: Mapping[str, SourceMeta]
) -> tuple[tuple[Need, str], ...]:
    """The clauses ``strategy`` certainly gets wrong, each with why (unknown source keys excluded)."""
    return tuple((need, _why(strategy, routing_keys, need)) for need in needs(p)
                 if co_locates(strategy, routing_keys, need, sources) is False)


def correctness_warnings(
    p: QueryProfile, strategy: str, routing_keys: Sequence[str], sources: Mapping[str, SourceMeta]
) -> tuple[str, ...]:
    """One warning per clause whose equal keys the strategy may spread over several workers."""
    warnings: list[str] = []
    for need in needs(p):
        verdict = co_locates(strategy, routing_keys, need, sources)
        if verdict is True:
            continue
        if verdict is None:
            first = need.sides[0][0] if need.sides else "SOURCE"
            warnings.append(
                f"{need.clause}: sticky_partition is correct only if the source is keyed by "
                f"({', '.join(need.keys)}); nothing says so, and otherwise {need.outcome} (workers keep "
                f"separate state, nothing merges). Declare --source-key {first}=COL or pick always_hash"
            )
            continue
        warnings.append(
            f"{need.clause}: wrong or partial results — {_why(strategy, routing_keys, need)}, so "
            f"{need.outcome} (every worker keeps its own state and nothing merges)"
        )
    return tuple(warnings)
