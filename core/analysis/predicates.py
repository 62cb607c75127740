"""The questions a decision tree may ask, as small named functions over a statement's facts.

A tree file names a predicate by its function name; :data:`PREDICATES` is that vocabulary. Each
predicate answers yes, no or unknown (``None``) with a one-line reason for the path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from core.analysis import routing_keys as keys
from core.analysis.alignment import alignment_of, declare_hint, describe_source, explain_alignment, source_key
from core.analysis.decision import SourceMeta
from core.analysis.profile import QueryProfile

__all__ = ["Facts", "Answer", "Predicate", "PREDICATES", "ALIGNMENT_PREDICATES"]


@dataclass(frozen=True)
class Facts:
    """What a predicate sees: the statement, the metadata of the sources it reads and, when the
    statement was planned, its stateful operators and the keys they all share (single routing)."""

    profile: QueryProfile
    sources: Mapping[str, SourceMeta] = field(default_factory=dict)
    # (kind, keys) of each stateful operator in plan order; empty when there is no plan.
    stateful: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Source columns every stateful operator's keys contain (None: no such set exists).
    shared_keys: tuple[str, ...] | None = None
    shared_reason: str = ""


@dataclass(frozen=True)
class Answer:
    value: bool | None
    reason: str


Predicate = Callable[[Facts], Answer]


def _listed(items: tuple[str, ...] | list[str]) -> str:
    return ", ".join(items) if items else "nothing"


def has_group_by(f: Facts) -> Answer:
    """Has GROUP BY?"""
    g = f.profile.group_by
    return Answer(bool(g), f"groups by {_listed(g)}" if g else "no GROUP BY clause")


def group_keys_routable(f: Facts) -> Answer:
    """Does the GROUP BY name anything besides window bounds?"""
    k = f.profile.grouping_keys
    if k:
        return Answer(True, f"routable grouping keys: {_listed(k)}")
    return Answer(False, "the GROUP BY holds only window bounds: one global aggregate per window")


def group_by_aligned(f: Facts) -> Answer:
    """Is the source aligned with the GROUP BY keys?"""
    value, reason = explain_alignment(f.profile.sources, f.sources, f.profile.grouping_keys, "GROUP BY keys")
    return Answer(value, reason)


def has_order_by(f: Facts) -> Answer:
    """Has ORDER BY?"""
    o = f.profile.order_by
    return Answer(bool(o), f"orders by {_listed(o)}" if o else "no ORDER BY clause")


def has_window(f: Facts) -> Answer:
    """Has a WINDOW (time window or analytic OVER)?"""
    p = f.profile
    if p.window is not None:
        return Answer(True, f"{p.window.kind} time window")
    if p.analytic:
        return Answer(True, f"analytic OVER window: {_listed([a.function for a in p.analytic])}")
    return Answer(False, "no time window and no OVER window")


def has_time_window(f: Facts) -> Answer:
    """Has a time window (TUMBLING, SLIDING/HOPPING, SESSION)?"""
    w = f.profile.window
    return Answer(w is not None, f"{w.kind} time window" if w else "no time window")


def has_join(f: Facts) -> Answer:
    """Does it join streams or tables?"""
    j = f.profile.joins
    return Answer(bool(j), f"joins {_listed([f'{x.left} with {x.right}' for x in j])}" if j else "no join")


def join_has_keys(f: Facts) -> Answer:
    """Does every join have equi-join keys (a.k = b.k)?"""
    missing = [f"{j.left} with {j.right}" for j in f.profile.joins if not j.keys]
    if missing:
        return Answer(False, f"no equi-join key for {_listed(missing)}")
    return Answer(True, f"equi-join keys: {_listed(list(keys.join_keys(f.profile)))}")


def join_aligned(f: Facts) -> Answer:
    """Are both sides of every join already partitioned by their join keys?"""
    verdicts: list[bool | None] = []
    parts: list[str] = []
    for join in f.profile.joins:
        sides = ((join.left, [k[0] for k in join.keys]), (join.right, [k[1] for k in join.keys]))
        for side, columns in sides:
            verdicts.append(alignment_of([side], f.sources, columns))
            parts.append(f"{describe_source(side, f.sources.get(source_key(side)))} "
                         f"(joins on {', '.join(columns)})")
    value = False if False in verdicts else (True if verdicts and all(verdicts) else None)
    reason = "; ".join(parts)
    if value is None:
        reason += "; " + declare_hint(list(f.profile.sources))
    return Answer(value, reason)


def has_analytic(f: Facts) -> Answer:
    """Has an analytic OVER window?"""
    a = f.profile.analytic
    return Answer(bool(a), f"OVER windows: {_listed([x.function for x in a])}" if a else "no OVER window")


def analytic_partitioned(f: Facts) -> Answer:
    """Do all OVER windows share PARTITION BY keys?"""
    common = keys.analytic_keys(f.profile)
    if common:
        return Answer(True, f"every OVER window is partitioned by {_listed(list(common))}")
    return Answer(False, "an OVER window spans the whole stream (no shared PARTITION BY key)")


def analytic_aligned(f: Facts) -> Answer:
    """Is the source aligned with the OVER windows' PARTITION BY keys?"""
    common = keys.analytic_keys(f.profile)
    value, reason = explain_alignment(f.profile.sources, f.sources, common, "PARTITION BY keys")
    return Answer(value, reason)


def has_distinct(f: Facts) -> Answer:
    """Has DISTINCT without GROUP BY?"""
    p = f.profile
    if p.distinct and not p.group_by:
        return Answer(True, f"SELECT DISTINCT over {_listed(list(keys.distinct_keys(p)))}")
    return Answer(False, "no DISTINCT" if not p.distinct else "DISTINCT is subsumed by the GROUP BY")


def has_global_aggregate(f: Facts) -> Answer:
    """Aggregates over the whole stream (no GROUP BY)?"""
    p = f.profile
    is_global = p.global_aggregate or (bool(p.aggregates) and not p.group_by)
    if is_global:
        return Answer(True, f"aggregates {_listed([a.sql for a in p.aggregates])} without GROUP BY")
    return Answer(False, "no aggregate over the whole stream")


def has_limit(f: Facts) -> Answer:
    """Has a LIMIT (alone or after a global ORDER BY)?"""
    p = f.profile
    if p.limit is None:
        return Answer(False, "no LIMIT")
    after = f" after ORDER BY {_listed(p.order_by)}" if p.order_by else ""
    return Answer(True, f"LIMIT {p.limit}{after}: one place must see every record")


def is_plain_select(f: Facts) -> Answer:
    """Is it a plain SELECT (the only statement the engine's selector inspects)?"""
    kind = f.profile.kind
    if kind == "select":
        return Answer(True, "a plain SELECT")
    words = {"create_stream": "a CREATE STREAM … AS SELECT", "create_table": "a CREATE TABLE … AS SELECT",
             "insert": "an INSERT INTO … SELECT"}
    return Answer(False, f"{words.get(kind, kind)} statement: the engine runs it sticky unless told")


def has_time_window_or_group_by(f: Facts) -> Answer:
    """Has a TUMBLING/SLIDING/SESSION window or a GROUP BY?"""
    p = f.profile
    found = ([f"{p.window.kind} window"] if p.window else []) + (["GROUP BY"] if p.group_by else [])
    return Answer(bool(found), f"has {' and '.join(found)}" if found else "no time window and no GROUP BY")


def _operators(f: Facts) -> str:
    return _listed([f"{kind}({', '.join(k) or 'one place'})" for kind, k in f.stateful])


def has_several_stateful_operators(f: Facts) -> Answer:
    """Does the plan hold more than one stateful operator (a multi-stage statement)?"""
    if len(f.stateful) > 1:
        return Answer(True, f"{len(f.stateful)} stateful operators: {_operators(f)}")
    if not f.stateful:
        return Answer(False, "no stateful operator in the plan" if f.profile.sources else "no plan")
    return Answer(False, f"one stateful operator: {_operators(f)}")


def stateful_operators_share_keys(f: Facts) -> Answer:
    """Is there a routing key every stateful operator's keys contain?"""
    if f.shared_keys:
        return Answer(True, f"every stateful operator keeps ({', '.join(f.shared_keys)}) together"
                      + (f": {f.shared_reason}" if f.shared_reason else ""))
    return Answer(False, f.shared_reason
                  or f"no column is a key of every stateful operator ({_operators(f)})")


def shared_keys_aligned(f: Facts) -> Answer:
    """Is the source aligned with the keys every stateful operator shares?"""
    value, reason = explain_alignment(f.profile.sources, f.sources, f.shared_keys or (), "shared keys")
    return Answer(value, reason)


PREDICATES: dict[str, Predicate] = {
    fn.__name__: fn
    for fn in (
        has_group_by,
        group_keys_routable,
        group_by_aligned,
        has_order_by,
        has_window,
        has_time_window,
        has_join,
        join_has_keys,
        join_aligned,
        has_analytic,
        analytic_partitioned,
        analytic_aligned,
        has_distinct,
        has_global_aggregate,
        has_limit,
        is_plain_select,
        has_time_window_or_group_by,
        has_several_stateful_operators,
        stateful_operators_share_keys,
        shared_keys_aligned,
    )
}

# Predicates whose answer is the statement's ``aligned`` field in the JSON contract.
ALIGNMENT_PREDICATES = frozenset(
    {"group_by_aligned", "join_aligned", "analytic_aligned", "shared_keys_aligned"}
)
