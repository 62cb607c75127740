"""From a statement's profile to what the workers run: the operator, its key and value columns.

Column names from SQL are matched to the source's columns exactly, then case-insensitively; an
expression key (``FLOOR(price)``) is simulated by the plain columns it references, with a warning.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core.decide.routing_keys import analytic_keys, distinct_keys
from core.model.profile import QueryProfile, is_window_bound
from core.simulation.top_n import TopN
from core.simulation.worker import SUPPORTED_AGGREGATES, OperatorKind, OperatorSpec
from core.workload.columns import plain_name, referenced_columns

__all__ = ["Plan", "build_plan", "needed_columns", "resolve_columns"]


@dataclass(frozen=True)
class Plan:
    """The operator spec plus the source columns the coordinator encodes for it.

    ``state_columns`` key the worker state; ``order_columns`` key the order check (empty: per
    source partition); ``value_columns`` are the numeric columns shipped to the workers.
    """

    spec: OperatorSpec
    state_columns: tuple[str, ...]
    order_columns: tuple[str, ...]
    order_required: bool
    value_columns: tuple[str, ...]
    aggregates: tuple[str, ...]  # SQL text of the simulated aggregates, for reports
    warnings: tuple[str, ...]
    limit: int | None = None  # applied by every worker on its own, like the engine

    @property
    def kind(self) -> OperatorKind:
        return self.spec.kind


def _kind(profile: QueryProfile) -> OperatorKind:
    if profile.group_by or profile.aggregates or profile.global_aggregate or profile.window:
        if profile.window is None:
            return "aggregate"
        return "session" if profile.window.kind == "session" else "window"
    if profile.distinct:
        return "distinct"
    if profile.analytic:
        return "analytic"
    return "stateless"


def _state_texts(profile: QueryProfile, kind: OperatorKind, top_n: TopN | None = None) -> tuple[str, ...]:
    if kind == "top_n" and top_n is not None:
        return tuple(k for k in top_n.partition_by if not is_window_bound(k))
    if kind in ("aggregate", "window", "session"):
        return profile.grouping_keys
    if kind == "distinct":
        return distinct_keys(profile)
    if kind == "analytic":
        return analytic_keys(profile)
    return ()


def needed_columns(profile: QueryProfile) -> tuple[str, ...]:
    """Every column the simulation reads (for a trace's ``required_columns``)."""
    kind = _kind(profile)
    texts = [*_state_texts(profile, kind), *(a.column for a in profile.aggregates if a.column)]
    if profile.analytic:
        texts += list(analytic_keys(profile))
    out: dict[str, None] = {}
    for text in texts:
        name = plain_name(text)
        for col in [name] if name else referenced_columns(text):
            out.setdefault(col, None)
    return tuple(out)


class _Resolver:
    def __init__(self, keys: Iterable[str], values: Iterable[str]) -> None:
        self.keys, self.values = list(keys), list(values)
        self.warnings: list[str] = []

    def find(self, name: str, pool: list[str]) -> str | None:
        if name in pool:
            return name
        lower = [c for c in pool if c.lower() == name.lower()]
        return lower[0] if lower else None

    def key_columns(self, texts: Iterable[str]) -> tuple[str, ...]:
        out: dict[str, None] = {}
        for text in texts:
            name = plain_name(text)
            found = self.find(name, self.keys + self.values) if name else None
            if found:
                out.setdefault(found, None)
                continue
            refs = [c for c in (self.find(r, self.keys + self.values) for r in referenced_columns(text)) if c]
            if refs:
                self.warnings.append(f"key {text!r} simulated as the column(s) it reads: {', '.join(refs)}")
                out.update(dict.fromkeys(refs))
            else:
                self.warnings.append(f"key {text!r} matches no source column; the simulation ignores it")
        return tuple(out)

    def value_column(self, text: str) -> str | None:
        name = plain_name(text)
        found = self.find(name, self.values) if name else None
        if found:
            return found
        refs = [c for c in (self.find(r, self.values) for r in referenced_columns(text)) if c]
        if refs:
            self.warnings.append(f"aggregate argument {text!r} simulated as column {refs[0]!r}")
            return refs[0]
        return None


def resolve_columns(texts: Iterable[str], key_columns: Iterable[str],
                    value_columns: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Source columns for SQL key texts, and warnings for texts that needed a fallback."""
    res = _Resolver(key_columns, value_columns)
    return res.key_columns(texts), tuple(res.warnings)


def build_plan(profile: QueryProfile, key_columns: Iterable[str], value_columns: Iterable[str],
               max_windows: int = 256, top_n: TopN | None = None) -> Plan:
    """The plan for ``profile`` over a source with these categorical and numeric columns; ``top_n``
    (see :func:`core.simulation.top_n.top_n_of`) makes a ranking or ORDER BY … LIMIT a Top-N."""
    kind = _kind(profile)
    # A window TVF feeding only a ranking (window Top-N) has no aggregate: the Top-N is its operator.
    aggregated = bool(profile.group_by or profile.aggregates or profile.global_aggregate)
    plain_window = kind == "window" and not aggregated
    if top_n is not None and (kind in ("analytic", "stateless") or plain_window):
        return _top_n_plan(profile, top_n, _Resolver(key_columns, value_columns))
    res = _Resolver(key_columns, value_columns)
    state = res.key_columns(_state_texts(profile, kind))
    values: list[str] = []
    aggregates: list[tuple[str, int | None]] = []
    texts: list[str] = []
    for agg in profile.aggregates if kind in ("aggregate", "window", "session") else ():
        func = agg.function.upper()
        if func not in SUPPORTED_AGGREGATES or agg.distinct:
            res.warnings.append(f"{agg.sql} is simulated as COUNT(*) (supported: "
                                f"{', '.join(SUPPORTED_AGGREGATES)} without DISTINCT)")
            aggregates.append(("COUNT", None))
            texts.append("COUNT(*)")
            continue
        column = res.value_column(agg.column) if agg.column else None
        if agg.column and column is None and func != "COUNT":
            res.warnings.append(f"{agg.sql}: no numeric column {agg.column!r}; simulated as COUNT(*)")
            func = "COUNT"
        if column is not None and column not in values:
            values.append(column)
        aggregates.append((func, values.index(column) if column is not None else None))
        texts.append(agg.sql)
    last_value = None
    if kind == "analytic" and res.values:
        values.append(res.values[0])
        last_value = 0
    window = profile.window
    size = advance = gap = 0
    if window is not None and kind == "window":
        size = int(window.size_ms or window.advance_ms or 60_000)
        advance = int(window.advance_ms or size) if window.kind == "hopping" else size
        if -(-size // advance) > max_windows:
            res.warnings.append(f"hopping window of {size} ms every {advance} ms puts each record in "
                                f"{-(-size // advance)} windows; simulated with the latest {max_windows}")
    if window is not None and kind == "session":
        gap = int(window.gap_ms or window.size_ms or 60_000)
    order_required = kind in ("stateless", "analytic") and bool(profile.order_by or profile.analytic)
    order = state if kind != "stateless" else ()
    spec = OperatorSpec(kind=kind, aggregates=tuple(aggregates), size_ms=size, advance_ms=advance,
                        gap_ms=gap, max_windows=max_windows, last_value=last_value,
                        track_order=order_required or kind == "stateless")
    return Plan(spec, state, order, order_required, tuple(values), tuple(texts), tuple(res.warnings),
                profile.limit)


def _top_n_plan(profile: QueryProfile, top_n: TopN, res: _Resolver) -> Plan:
    """Every worker keeps the N best rows of each partition it sees (PARTITION BY columns, plus the
    tumbling window when the partition names a window bound)."""
    state = res.key_columns(_state_texts(profile, "top_n", top_n))
    rank_value = None
    values: tuple[str, ...] = ()
    if top_n.order_by:
        name = plain_name(top_n.order_by)
        column = res.find(name, res.values) if name else None
        if column is None and name and (column := res.find(name, res.keys)) is not None:
            # Synthetic sources make unknown columns categorical: their codes are a total order too.
            res.warnings.append(f"Top-N ORDER BY {top_n.order_by}: a categorical column in this source; "
                                "rows ranked by its value codes")
        if column is None:
            res.warnings.append(f"Top-N ORDER BY {top_n.order_by}: no source column of that name; rows "
                                "ranked by arrival instead")
        else:
            values, rank_value = (column,), 0
    window = profile.window
    size = 0
    windowed = any(is_window_bound(k) for k in top_n.partition_by)
    if windowed and window is not None and window.kind != "session":
        size = int(window.size_ms or window.advance_ms or 60_000)
        if window.kind == "hopping":
            res.warnings.append("Top-N per hopping window simulated per tumbling window of the same size")
    spec = OperatorSpec(kind="top_n", size_ms=size, advance_ms=size, top_n=top_n.n,
                        descending=top_n.descending, rank_value=rank_value, track_order=False)
    what = (f"ORDER BY {top_n.order_by} LIMIT {top_n.n}" if top_n.function == "LIMIT"
            else f"{top_n.function} <= {top_n.n}")
    limit = None if top_n.function == "LIMIT" else profile.limit
    return Plan(spec, state, state, False, values, (what,), tuple(res.warnings), limit)
