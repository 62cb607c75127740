"""QueryProfile extraction: one profile per statement of a script, from the SQL front end's output."""

from __future__ import annotations

from typing import cast

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import OptimizeError
from sqlglot.optimizer.scope import traverse_scope

from core.analysis.profile import (
    Aggregate,
    AnalyticWindow,
    Join,
    QueryProfile,
    StatementKind,
    TimeWindow,
    is_window_bound,
)
from core.sql import ParsedStatement, WindowSpec, parse_script
from core.sql.guard import guarded
from core.sql.joins import find_join_select, read_joins
from core.sql.text import SourceText
from core.sql.tree import (
    function_name,
    group_window,
    key_text,
    main_select,
    own_aggregates,
    resolve_group_key,
    stateful_select,
    table_name,
)
from core.sql.window_limits import check_duration, check_window

__all__ = ["extract_profiles", "profile_statement"]


def extract_profiles(sql: str, dialect: str = "velostream") -> list[QueryProfile]:
    """One :class:`QueryProfile` per statement; raises SqlSyntaxError for SQL that cannot be read."""
    return [profile_statement(stmt) for stmt in parse_script(sql, dialect)]


def profile_statement(stmt: ParsedStatement) -> QueryProfile:
    """Everything partitioning cares about in one parsed statement; any failure is a SqlSyntaxError
    positioned at the statement (never a traceback)."""
    source = stmt.source_text or SourceText(stmt.sql)
    offset = stmt.start if stmt.source_text is not None else 0
    with guarded(source, offset):
        profile = _profile(stmt)
        # Group-window calls and join bounds come from the tree: bound them like the lifted windows.
        if profile.window is not None and stmt.clauses.window is None:
            spec = WindowSpec(profile.window.kind, profile.window.size_ms, profile.window.advance_ms,
                              profile.window.gap_ms)
            check_window(spec, source, offset)
        for join in profile.joins:
            if join.within_ms is not None:
                what = f"the time bound of the join with {join.right}"
                check_duration(join.within_ms, what, source, offset, minimum=0)
        return profile


def _profile(stmt: ParsedStatement) -> QueryProfile:
    tree, clauses, dialect = stmt.expression, stmt.clauses, stmt.dialect
    select = main_select(tree)
    grouping = stateful_select(select)  # a projection over a grouping subquery/CTE reports that grouping
    group_by, group_window_spec, expansion = _group_by(grouping, dialect)
    window = clauses.window or group_window_spec
    aggregates = _aggregates(grouping, dialect)
    select_columns = _select_columns(select, dialect)
    set_operation = _set_operation(tree)
    # UNION (distinct) removes duplicate rows across its inputs: a DISTINCT over all output columns.
    union_distinct = set_operation == "union" and not grouping_has_state(grouping)
    distinct = _is_distinct(grouping) or union_distinct
    return QueryProfile(
        index=stmt.index,
        kind=_kind(stmt),
        sql=stmt.sql,
        line=stmt.line,
        name=clauses.create.name if clauses.create else stmt.annotations.get("name"),
        sources=_sources(tree),
        sink=_sink(stmt),
        group_by=group_by,
        order_by=_order_by(tree, select, dialect),
        window=_time_window(window),
        analytic=_analytic(tree, stmt, dialect),
        joins=_joins(select, clauses.within_ms, dialect),
        aggregates=aggregates,
        global_aggregate=bool(aggregates) and not any(not is_window_bound(k) for k in group_by),
        distinct=distinct,
        distinct_columns=_distinct_columns(grouping, dialect) if distinct else (),
        limit=_limit(tree, select),
        emit=clauses.emit,  # type: ignore[arg-type]  # the pre-pass only sets "changes" or "final"
        annotations=dict(stmt.annotations),
        annotation_lines=dict(stmt.annotation_lines),
        with_properties=dict(clauses.properties),
        primary_key=tuple(clauses.primary_key),
        partition_by=tuple(clauses.partition_by),
        select_columns=select_columns,
        group_expansion=expansion,
        set_operation=set_operation,
    )


def _kind(stmt: ParsedStatement) -> StatementKind:
    if stmt.clauses.create is not None:
        return cast(StatementKind, stmt.clauses.create.kind)
    return "insert" if isinstance(stmt.expression, exp.Insert) else "select"


def _sink(stmt: ParsedStatement) -> str | None:
    if stmt.clauses.create is not None:
        return stmt.clauses.create.name
    if isinstance(stmt.expression, exp.Insert):
        target = stmt.expression.this
        table = target if isinstance(target, exp.Table) else target.find(exp.Table)
        return table_name(table) if table is not None else None
    return stmt.clauses.into


def _query_root(tree: exp.Expr) -> exp.Expr:
    return tree.expression if isinstance(tree, exp.Insert) else tree


def _start(node: exp.Expr) -> int:
    ident = node.find(exp.Identifier)
    meta = ident.meta if ident is not None else {}
    return int(meta.get("start", 0))


def _sources(tree: exp.Expr) -> tuple[str, ...]:
    """Real tables read by the statement, through CTEs and subqueries, in the order they are written."""
    root = _query_root(tree)
    try:
        tables = [
            source
            for scope in traverse_scope(root)
            for source in scope.sources.values()
            if isinstance(source, exp.Table)
        ]
    except OptimizeError:
        cte_names = {cte.alias_or_name.lower() for cte in root.find_all(exp.CTE)}
        tables = [t for t in root.find_all(exp.Table) if t.name.lower() not in cte_names]
    tables.sort(key=_start)
    return tuple(dict.fromkeys(table_name(t) for t in tables))


def _group_by(
    select: exp.Select | None, dialect: Dialect
) -> tuple[tuple[str, ...], WindowSpec | None, str | None]:
    """Written GROUP BY keys; window calls become the time window; ROLLUP/CUBE/GROUPING SETS are
    read as their columns (every grouping they expand to is keyed by a subset of them).

    Window-bound columns (``window_start``...) stay: the user grouped by them, and the contract
    lists written keys. They are dropped only where keys route records (``grouping_keys``).
    """
    group = select.args.get("group") if select is not None else None
    if select is None or group is None:
        return (), None, None
    keys: list[str] = []
    window: WindowSpec | None = None
    expansion: str | None = None
    written_keys: list[exp.Expr] = []
    for written in group.expressions:
        if isinstance(written, _EXPANSIONS):
            expansion = expansion or _EXPANSIONS_NAMES[type(written)]
            written_keys.extend(_expansion_items(written))
        else:
            written_keys.append(written)
    for arg, name in (("rollup", "rollup"), ("cube", "cube"), ("grouping_sets", "grouping_sets")):
        for node in group.args.get(arg) or []:
            expansion = expansion or name
            written_keys.extend(_expansion_items(node))
    for written in written_keys:
        key = resolve_group_key(written, select)
        spec = group_window(key)
        if spec is not None:
            window = window or spec
            continue
        keys.append(key_text(key, dialect))
    return tuple(dict.fromkeys(keys)), window, expansion


_EXPANSIONS = (exp.Rollup, exp.Cube, exp.GroupingSets)
_EXPANSIONS_NAMES: dict[type, str] = {
    exp.Rollup: "rollup", exp.Cube: "cube", exp.GroupingSets: "grouping_sets"
}


def _expansion_items(node: exp.Expr) -> list[exp.Expr]:
    """The key expressions inside ROLLUP (a, b) / GROUPING SETS ((a), (a, b)), tuples flattened."""
    out: list[exp.Expr] = []
    stack = list(reversed(node.expressions)) if node.expressions else [node.this] if node.this else []
    while stack:
        item = stack.pop()
        if isinstance(item, (exp.Tuple, exp.Paren, *_EXPANSIONS)):
            inner = item.expressions if not isinstance(item, exp.Paren) else [item.this]
            stack.extend(reversed(inner))
        elif item is not None:
            out.append(item)
    return out


def _order_by(tree: exp.Expr, select: exp.Select | None, dialect: Dialect) -> tuple[str, ...]:
    root = _query_root(tree)
    order = root.args.get("order") or (select.args.get("order") if select is not None else None)
    if order is None:
        return ()
    keys = [o.this if isinstance(o, exp.Ordered) else o for o in order.expressions]
    # ORDER BY 2 / ORDER BY alias name the select-list expression, like GROUP BY.
    resolved = [resolve_group_key(k, select) if select is not None else k for k in keys]
    return tuple(key_text(k, dialect) for k in resolved)


def _time_window(spec: WindowSpec | None) -> TimeWindow | None:
    if spec is None:
        return None
    return TimeWindow(
        kind=spec.kind,  # type: ignore[arg-type]  # decoders only produce the three kinds
        size_ms=spec.size_ms,
        advance_ms=spec.advance_ms,
        gap_ms=spec.gap_ms,
        time_column=spec.time_column,
    )


def _named_windows(root: exp.Expr) -> dict[str, exp.Window]:
    """``WINDOW w AS (PARTITION BY ...)`` definitions of every SELECT, by lower-case name."""
    found: dict[str, exp.Window] = {}
    for select in root.find_all(exp.Select):
        for definition in select.args.get("windows") or []:
            if isinstance(definition.this, exp.Identifier):
                found.setdefault(definition.this.name.lower(), definition)
    return found


def _partition_keys(nodes: list[exp.Expr], dialect: Dialect) -> tuple[str, ...]:
    """PARTITION BY keys as text; constants (``PARTITION BY 1::int``) partition nothing and are dropped."""
    return tuple(key_text(p, dialect) for p in nodes if p.find(exp.Column) is not None)


def _analytic(tree: exp.Expr, stmt: ParsedStatement, dialect: Dialect) -> tuple[AnalyticWindow, ...]:
    """Every ``f(...) OVER (...)`` (named windows resolved) and MATCH_RECOGNIZE's partitioning;
    Velostream row buffers matched to their function in written order."""
    buffers = list(stmt.clauses.buffers)
    out: list[AnalyticWindow] = []
    root = _query_root(tree)
    named = _named_windows(root)
    for window in root.find_all(exp.Window, bfs=True):
        if not isinstance(window.this, exp.Func):
            continue  # a named window definition, not a call
        function = function_name(window.this)
        spec = window
        alias = window.args.get("alias")
        if not window.args.get("partition_by") and not window.args.get("order") and alias is not None:
            spec = named.get(alias.name.lower(), window)  # OVER w
        partition = _partition_keys(list(spec.args.get("partition_by") or []), dialect)
        order_node = spec.args.get("order")
        order = tuple(key_text(o.this, dialect) for o in order_node.expressions) if order_node else ()
        buffer = next((b for b in buffers if b.function in {function, ""}), None)
        if buffer is not None:
            buffers.remove(buffer)
        rows = buffer.rows if buffer is not None else None
        out.append(AnalyticWindow(function, partition, order, rows))
    for partition_items, order_items in stmt.clauses.match_recognize:
        out.append(AnalyticWindow("MATCH_RECOGNIZE", partition_items, order_items))
    return tuple(out)


def _joins(select: exp.Select | None, within: dict[str, int], dialect: Dialect) -> tuple[Join, ...]:
    """The outermost joining SELECT's joins (through subqueries and CTEs), semi/anti joins included."""
    if select is None:
        return ()
    facts = read_joins(find_join_select(select), within, dialect)
    return tuple(Join(f.left, f.right, f.keys, f.kind, f.within_ms) for f in facts)


def _set_operation(tree: exp.Expr) -> str | None:
    root = _query_root(tree)
    while isinstance(root, exp.Subquery):
        root = root.this
    if isinstance(root, exp.Union):
        return "union" if root.args.get("distinct") else "union_all"
    if isinstance(root, exp.Intersect):
        return "intersect"
    if isinstance(root, exp.Except):
        return "except"
    return None


def grouping_has_state(select: exp.Select | None) -> bool:
    return select is not None and bool(select.args.get("group"))


def _aggregates(select: exp.Select | None, dialect: Dialect) -> tuple[Aggregate, ...]:
    """Distinct aggregate calls of the grouping SELECT (select list and HAVING), in written order.

    ``SUM(q) / COUNT(*) AS avg_q, SUM(q) AS volume`` computes SUM(q) once; OVER (...) calls are analytic.
    """
    if select is None:
        return ()
    out: dict[str, Aggregate] = {}
    for agg in own_aggregates(select):
        distinct = isinstance(agg.this, exp.Distinct)
        column = agg.find(exp.Column)
        name = None if column is None or isinstance(agg.this, exp.Star) else column.name
        sql = agg.sql(dialect=dialect, comments=False)
        out.setdefault(sql, Aggregate(function_name(agg), name, sql, distinct))
    return tuple(out.values())


def _select_columns(select: exp.Select | None, dialect: Dialect) -> tuple[str, ...]:
    if select is None:
        return ()
    return tuple(e.alias_or_name or e.sql(dialect=dialect, comments=False) for e in select.expressions)


def _distinct_columns(select: exp.Select | None, dialect: Dialect) -> tuple[str, ...]:
    """What DISTINCT compares: the underlying columns (aliases removed), expressions as SQL text."""
    if select is None:
        return ()
    # DISTINCT(name) is DISTINCT name: the parentheses group, they are not part of the column.
    items = [e.unalias() for e in select.expressions]
    return tuple(dict.fromkeys(key_text(e.this if isinstance(e, exp.Paren) else e, dialect) for e in items))


def _is_distinct(select: exp.Select | None) -> bool:
    distinct = select.args.get("distinct") if select is not None else None
    return distinct is not None and not distinct.args.get("on")


def _limit(tree: exp.Expr, select: exp.Select | None) -> int | None:
    root = _query_root(tree)
    limit = root.args.get("limit") or (select.args.get("limit") if select is not None else None)
    value = limit.args.get("expression") if limit is not None else None
    if isinstance(value, exp.Literal) and value.this.isdigit():
        return int(value.this)
    return None
