"""Data that flows out of the SQL front end: one :class:`QueryProfile` per statement.

Only plain data here; extraction lives in ``extract.py`` and decisions in ``trees.py``.
Column names are kept without table qualifier, in their written spelling; expressions as SQL text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "TimeWindow",
    "AnalyticWindow",
    "Join",
    "Aggregate",
    "QueryProfile",
    "WINDOW_BOUND_COLUMNS",
    "is_window_bound",
    "is_plain_column",
    "output_key",
]

StatementKind = Literal["select", "create_stream", "create_table", "create_view", "insert"]
WindowKind = Literal["tumbling", "hopping", "session"]
EmitMode = Literal["changes", "final"]

# Columns produced by the windowing itself; grouping by them never identifies a routing key.
WINDOW_BOUND_COLUMNS = frozenset(
    {
        "window_start", "window_end", "_window_start", "_window_end", "window_time", "window",
        "windowstart", "windowend",  # ksqlDB's pseudo columns
    }
)
# Window-defining calls written in a GROUP BY (Flink group windows, Spark window/session_window).
_WINDOW_CALLS = ("tumble", "hop", "session", "cumulate", "window", "session_window")


def is_window_bound(name: str) -> bool:
    """True for window-bound columns and window calls, which never identify a routing key.

    >>> is_window_bound("_WINDOW_START"), is_window_bound("window(ts, '10 minutes')"), is_window_bound("sym")
    (True, True, False)
    """
    text = name.strip().strip('"`').lower()
    if text in WINDOW_BOUND_COLUMNS:
        return True
    head, paren, _ = text.partition("(")
    return bool(paren) and head.strip() in _WINDOW_CALLS


def is_plain_column(text: str) -> bool:
    """True when a key's SQL text is a bare (possibly quoted) identifier, not an expression."""
    t = text.strip()
    if len(t) >= 2 and t[0] == t[-1] and t[0] in "\"`":
        return t[0] not in t[1:-1]
    return t.replace("_", "a").isalnum() and not t[0].isdigit()


@dataclass(frozen=True)
class TimeWindow:
    kind: WindowKind
    size_ms: int | None = None
    advance_ms: int | None = None
    gap_ms: int | None = None
    time_column: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "size_ms": self.size_ms,
            "advance_ms": self.advance_ms,
            "gap_ms": self.gap_ms,
            "time_column": self.time_column,
        }


@dataclass(frozen=True)
class AnalyticWindow:
    function: str
    partition_by: tuple[str, ...] = ()
    order_by: tuple[str, ...] = ()
    buffer_rows: int | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "function": self.function,
            "partition_by": list(self.partition_by),
            "order_by": list(self.order_by),
        }


@dataclass(frozen=True)
class Join:
    left: str
    right: str
    keys: tuple[tuple[str, str], ...] = ()
    kind: str = "inner"
    within_ms: int | None = None

    def to_dict(self) -> dict[str, object]:
        return {"left": self.left, "right": self.right, "keys": [list(k) for k in self.keys]}


@dataclass(frozen=True)
class Aggregate:
    """One aggregate call: ``function`` upper-cased (COUNT, SUM...), ``column`` None for ``*``."""

    function: str
    column: str | None
    sql: str
    distinct: bool = False


@dataclass(frozen=True)
class QueryProfile:
    """Everything about one statement that matters for partitioning."""

    index: int
    kind: StatementKind
    sql: str = ""
    line: int = 1
    name: str | None = None
    sources: tuple[str, ...] = ()
    sink: str | None = None
    group_by: tuple[str, ...] = ()
    order_by: tuple[str, ...] = ()
    window: TimeWindow | None = None
    analytic: tuple[AnalyticWindow, ...] = ()
    joins: tuple[Join, ...] = ()
    aggregates: tuple[Aggregate, ...] = ()
    global_aggregate: bool = False
    distinct: bool = False
    distinct_columns: tuple[str, ...] = ()
    limit: int | None = None
    emit: EmitMode | None = None
    annotations: dict[str, str] = field(default_factory=dict)
    annotation_lines: dict[str, int] = field(default_factory=dict)
    with_properties: dict[str, str] = field(default_factory=dict)
    primary_key: tuple[str, ...] = ()
    partition_by: tuple[str, ...] = ()  # ksqlDB query-level PARTITION BY
    select_columns: tuple[str, ...] = ()
    # "rollup" | "cube" | "grouping_sets" when GROUP BY expands into several groupings (keys: the columns).
    group_expansion: str | None = None
    # The statement's outermost set operation: "union" (distinct), "union_all", "intersect", "except".
    set_operation: str | None = None

    @property
    def grouping_keys(self) -> tuple[str, ...]:
        """GROUP BY keys that can route records: window-bound columns removed."""
        return tuple(k for k in self.group_by if not is_window_bound(k))

    @property
    def has_window(self) -> bool:
        return self.window is not None or bool(self.analytic)


def output_key(profile: QueryProfile) -> tuple[str, ...]:
    """How a statement keys what it writes: PRIMARY KEY, else ksqlDB PARTITION BY, else GROUP BY
    (plain columns only, window bounds never)."""
    for keys in (profile.primary_key, profile.partition_by, profile.group_by):
        plain = tuple(k for k in keys if is_plain_column(k) and not is_window_bound(k))
        if plain:
            return plain
    return ()
