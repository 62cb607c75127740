"""Which columns a hashing strategy routes on, by the clause that needs co-location.

A tree leaf names one of :data:`KEY_KINDS`; overrides use :func:`natural_keys`. Window-bound
columns are never routing keys: every group of a window shares them.
"""

from __future__ import annotations

from collections.abc import Callable

from core.analysis.alignment import norm
from core.analysis.profile import QueryProfile, is_plain_column, is_window_bound

__all__ = [
    "KEY_KINDS",
    "group_keys",
    "plain_group_keys",
    "join_keys",
    "analytic_keys",
    "distinct_keys",
    "natural_keys",
    "keys_for",
]


def group_keys(p: QueryProfile) -> tuple[str, ...]:
    """GROUP BY keys minus window bounds (expressions kept as SQL text)."""
    return p.grouping_keys


def plain_group_keys(p: QueryProfile) -> tuple[str, ...]:
    """Only plain GROUP BY columns: what the Velostream engine extracts (``FLOOR(x)`` gives none)."""
    return tuple(k for k in p.grouping_keys if is_plain_column(k))


def join_keys(p: QueryProfile) -> tuple[str, ...]:
    """The left-side columns of the first join's equi-join pairs; the right side hashes its partners."""
    for join in p.joins:
        if join.keys:
            return tuple(dict.fromkeys(left for left, _ in join.keys))
    return ()


def analytic_keys(p: QueryProfile) -> tuple[str, ...]:
    """PARTITION BY columns shared by every OVER window: hashing a shared subset co-locates them all."""
    if not p.analytic or any(not a.partition_by for a in p.analytic):
        return ()
    first = p.analytic[0].partition_by
    others = [{norm(c) for c in a.partition_by} for a in p.analytic[1:]]
    return tuple(c for c in first if all(norm(c) in s for s in others) and not is_window_bound(c))


def distinct_keys(p: QueryProfile) -> tuple[str, ...]:
    """The DISTINCT columns (the select list when the front end gave no separate list)."""
    cols = p.distinct_columns or p.select_columns
    return tuple(c for c in cols if c.strip() != "*")


def _none(p: QueryProfile) -> tuple[str, ...]:
    return ()


KEY_KINDS: dict[str, Callable[[QueryProfile], tuple[str, ...]]] = {
    "none": _none,
    # The plan's single-routing keys (shared by every stateful operator); the tree evaluation
    # reads them from the plan facts, the profile alone cannot know them.
    "shared": _none,
    "group_by": group_keys,
    "plain_group_by": plain_group_keys,
    "join": join_keys,
    "analytic": analytic_keys,
    "distinct": distinct_keys,
}


def keys_for(kind: str, p: QueryProfile) -> tuple[str, ...]:
    return KEY_KINDS[kind](p)


def natural_keys(p: QueryProfile) -> tuple[str, ...]:
    """Keys a forced hash/smart strategy routes on: the first clause that needs co-location."""
    if p.group_by:
        return group_keys(p)
    for finder in (join_keys, analytic_keys):
        found = finder(p)
        if found:
            return found
    return distinct_keys(p) if p.distinct else ()
