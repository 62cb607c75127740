"""Which columns a query needs generated: :func:`columns_for`.

Every column whose values decide where a record must go (GROUP BY, join keys, PARTITION BY of an
analytic window or of a ksqlDB query, ORDER BY, DISTINCT) and the source topic's key columns become
categorical keys; aggregate arguments become numeric values; the window's time column is the
event time. Expression keys (``SUBSTR(symbol, 1, 2)``) are not generated themselves, but the plain
columns they reference are, so a strategy that evaluates the expression finds its inputs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace

from core.model.profile import QueryProfile, is_plain_column, is_window_bound
from core.workload.distributions import KeyDistribution, ValueDistribution
from core.workload.schema import ColumnSpec, EventTimeSpec, WorkloadSchema

__all__ = ["columns_for", "referenced_columns", "plain_name"]

# Pseudo-columns that mean "the record's event time" in the dialects we read.
_EVENT_TIME_NAMES = frozenset({"rowtime", "_rowtime", "_timestamp", "event_time", "_event_time"})
# Words that look like identifiers inside key expressions but are not columns.
_SQL_WORDS = frozenset(
    {
        "and", "or", "not", "null", "is", "in", "as", "case", "when", "then", "else", "end", "cast",
        "try_cast", "like", "ilike", "between", "distinct", "true", "false", "interval", "asc", "desc",
        "nulls", "first", "last", "over", "partition", "by", "order", "rows", "range", "preceding",
        "following", "unbounded", "current", "row", "day", "days", "hour", "hours", "minute", "minutes",
        "second", "seconds", "millisecond", "milliseconds", "year", "month", "week", "at", "zone",
        "escape", "similar", "to", "from", "for",
    }
)
_ORDER_SUFFIX = re.compile(r"\s+(asc|desc)?\s*(nulls\s+(first|last))?\s*$", re.I)
_TOKEN = re.compile(
    r"'(?:[^']|'')*'"  # string literals: skipped
    r'|"(?P<dq>[^"]+)"|`(?P<bq>[^`]+)`'
    r"|(?P<id>[A-Za-z_][A-Za-z0-9_$]*)(?P<call>\s*\()?"
)


def plain_name(text: str) -> str | None:
    """The column name of a plain (possibly quoted or table-qualified) column, else None.

    >>> plain_name('t."Symbol"'), plain_name("SUBSTR(a, 1)")
    ('Symbol', None)
    """
    t = _ORDER_SUFFIX.sub("", text.strip()) if text.strip() else text
    parts = _split_qualified(t)
    if not parts or not all(is_plain_column(p) for p in parts):
        return None
    last = parts[-1].strip()
    return last[1:-1] if last[:1] in '"`' else last


def _split_qualified(text: str) -> list[str]:
    # Dots inside quotes are part of the name; only bare dots separate table and column.
    parts, current, quote = [], "", ""
    for ch in text:
        if quote:
            current += ch
            quote = "" if ch == quote else quote
        elif ch in '"`':
            current += ch
            quote = ch
        elif ch == ".":
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p for p in (x.strip() for x in parts) if p] if len(parts) > 1 or parts[0].strip() else []


def referenced_columns(expression: str) -> tuple[str, ...]:
    """Plain column names an SQL expression refers to (functions, keywords, literals skipped).

    >>> referenced_columns("CASE WHEN t.amount > 100 THEN 'big' ELSE region END")
    ('amount', 'region')
    """
    found: dict[str, None] = {}
    previous = ""
    for m in _TOKEN.finditer(expression):
        name = m.group("dq") or m.group("bq")
        after_as = previous == "as" or expression[: m.start()].rstrip().endswith("::")
        previous = (m.group("id") or "").lower()
        if name is None:
            ident = m.group("id")
            # A word after AS / :: is a type (CAST(x AS DATE), x::int) or an alias, not an input.
            if ident is None or m.group("call") or ident.lower() in _SQL_WORDS or after_as:
                continue
            name = ident
        # A qualifier (t.amount) is followed by a dot: keep only the last part.
        if expression[m.end() : m.end() + 1] == ".":
            continue
        found.setdefault(name, None)
    return tuple(found)


def _key_texts(profile: QueryProfile) -> list[str]:
    texts = [*profile.grouping_keys, *profile.partition_by, *profile.order_by, *profile.distinct_columns]
    for join in profile.joins:
        for left, right in join.keys:
            texts += [left, right]
    for window in profile.analytic:
        texts += [*window.partition_by, *window.order_by]
    return texts


def columns_for(
    profile: QueryProfile,
    source_keys: Iterable[str] = (),
    *,
    keys: int = 1000,
    distribution: str | KeyDistribution = "uniform",
    value_distribution: str | ValueDistribution = "lognormal",
    event_time: EventTimeSpec | None = None,
    overrides: Mapping[str, ColumnSpec] | None = None,
) -> WorkloadSchema:
    """The :class:`WorkloadSchema` a simulation of ``profile`` needs.

    Key columns get ``keys`` distinct values drawn by ``distribution``; aggregate arguments get
    ``value_distribution``; ``overrides`` replaces the generator of any column by name. A column
    that is both a key and an aggregate argument stays categorical (``COUNT(DISTINCT user)``).
    Names that differ only in case share one generated column (the rest become aliases).
    """
    if isinstance(source_keys, str):  # one column given bare: not its characters
        source_keys = (source_keys,)
    time_column = profile.window.time_column if profile.window else None
    time_plain = plain_name(time_column) if time_column else None
    event_names = set(_EVENT_TIME_NAMES)
    if time_plain:
        event_names.add(time_plain.lower())

    categorical: list[str] = []
    numeric: list[str] = []
    for text in [*source_keys, *_key_texts(profile)]:
        name = plain_name(text)
        categorical += [name] if name else list(referenced_columns(text))
    for agg in profile.aggregates:
        if agg.column is None:
            continue
        name = plain_name(agg.column)
        refs = [name] if name else list(referenced_columns(agg.column))
        (categorical if agg.distinct else numeric).extend(refs)

    canonical: dict[str, str] = {}  # lower-case name -> first spelling
    aliases: dict[str, str] = {}
    specs: dict[str, ColumnSpec] = {}
    overrides = dict(overrides or {})
    for role, names in (("categorical", categorical), ("numeric", numeric)):
        for name in names:
            low = name.lower()
            if low in event_names or is_window_bound(name):
                continue
            if low in canonical:
                if canonical[low] != name:
                    aliases[name] = canonical[low]
                continue
            canonical[low] = name
            if name in overrides:
                specs[name] = replace(overrides.pop(name), name=name)
            elif role == "categorical":
                specs[name] = ColumnSpec.categorical(name, keys, distribution)
            else:
                specs[name] = ColumnSpec.numeric(name, value_distribution)
    specs.update(overrides)  # columns the query never names but the caller wants
    return WorkloadSchema(
        columns=tuple(specs.values()),
        event_time=event_time or EventTimeSpec(),
        time_column=time_plain,
        aliases=tuple(aliases.items()),
    )
