"""Reading the standard part of a statement from sqlglot trees: names, keys and group windows."""

from __future__ import annotations

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect

from core.sql.clauses import WindowSpec
from core.sql.durations import try_parse_duration

__all__ = [
    "function_name",
    "key_text",
    "table_name",
    "main_select",
    "resolve_group_key",
    "group_window",
    "GROUP_WINDOW_FUNCTIONS",
    "owning_select",
    "own_aggregates",
    "stateful_select",
    "STREAMING_AGGREGATES",
]

# Aggregates sqlglot does not know (it reads them as anonymous functions): ksqlDB and Flink ones.
STREAMING_AGGREGATES = frozenset(
    {
        "LATEST_BY_OFFSET",
        "EARLIEST_BY_OFFSET",
        "COLLECT_LIST",
        "COLLECT_SET",
        "TOPK",
        "TOPKDISTINCT",
        "HISTOGRAM",
        "COUNT_DISTINCT",
        "LISTAGG",
    }
)

# Window calls written as GROUP BY keys (Flink group windows, Spark window/session_window).
GROUP_WINDOW_FUNCTIONS = {"TUMBLE", "HOP", "SESSION", "CUMULATE", "WINDOW", "SESSION_WINDOW"}


def function_name(node: exp.Expr) -> str:
    """Upper-case function name as written for unknown functions, sqlglot's canonical one otherwise."""
    if isinstance(node, exp.Anonymous):
        return node.name.upper()
    if isinstance(node, exp.Func):
        return node.sql_name().upper()
    return node.key.upper()


def key_text(node: exp.Expr, dialect: Dialect) -> str:
    """A column as its bare written name; anything else as SQL text in the input dialect."""
    if isinstance(node, exp.Column) and not isinstance(node.this, exp.Star):
        return node.name
    return node.sql(dialect=dialect, comments=False)


def table_name(node: exp.Expr) -> str:
    """``db.t`` for a table; the alias (or SQL) for a subquery or other derived source."""
    if isinstance(node, exp.Table):
        return ".".join(p.name for p in node.parts)
    return node.alias_or_name or node.sql(comments=False)


def main_select(tree: exp.Expr) -> exp.Select | None:
    """The SELECT whose clauses describe the statement (INSERT's query, a set operation's first arm)."""
    node: exp.Expr | None = tree.expression if isinstance(tree, exp.Insert) else tree
    while node is not None and not isinstance(node, exp.Select):
        if isinstance(node, (exp.Subquery, exp.SetOperation)):
            node = node.this
        else:
            return None
    return node


def owning_select(node: exp.Expr) -> exp.Select | None:
    """The nearest SELECT above ``node``."""
    parent = node.parent
    while parent is not None and not isinstance(parent, exp.Select):
        parent = parent.parent
    return parent


def _is_aggregate(node: exp.Expr) -> bool:
    if isinstance(node, exp.AggFunc):
        return True
    return isinstance(node, exp.Anonymous) and node.name.upper() in STREAMING_AGGREGATES


def own_aggregates(select: exp.Select) -> list[exp.Func]:
    """Aggregate calls of this SELECT itself, in written order; ``f(...) OVER (...)`` is analytic."""
    return [
        node
        for node in select.find_all(exp.AggFunc, exp.Anonymous, bfs=False)
        if _is_aggregate(node) and owning_select(node) is select and node.find_ancestor(exp.Window) is None
    ]


def _derived_source(select: exp.Select) -> exp.Select | None:
    """The SELECT behind a lone ``FROM (subquery)`` or ``FROM cte``, if that is the only source."""
    from_node = select.args.get("from_")
    source = from_node.this if from_node is not None else None
    if isinstance(source, exp.Subquery):
        return main_select(source)
    if isinstance(source, exp.Table) and not source.db:
        node: exp.Expr | None = select
        while node is not None:
            with_ = node.args.get("with_")
            for cte in with_.expressions if with_ is not None else []:
                if cte.alias.lower() == source.name.lower():
                    return main_select(cte.this)
            node = node.parent
    return None


def stateful_select(select: exp.Select | None) -> exp.Select | None:
    """The SELECT that groups: ``select`` itself, or, when it only projects/filters one derived
    source, the SELECT inside that source (``SELECT * FROM (SELECT k, COUNT(*) ... GROUP BY k)``)."""
    node = select
    for _ in range(8):  # bounded: CTEs may be nested a few levels
        if node is None or node.args.get("group") or node.args.get("distinct") or node.args.get("joins"):
            return node
        if own_aggregates(node):
            return node
        inner = _derived_source(node)
        if inner is None:
            return node
        node = inner
    return node


def resolve_group_key(key: exp.Expr, select: exp.Select) -> exp.Expr:
    """``GROUP BY 1`` and ``GROUP BY alias`` resolved to the select-list expression they stand for."""
    items = select.expressions
    if isinstance(key, exp.Literal) and not key.is_string and key.this.isdigit():
        position = int(key.this)
        if 1 <= position <= len(items):
            return items[position - 1].unalias()
        return key
    if isinstance(key, exp.Column) and not key.table:
        for item in items:
            if isinstance(item, exp.Alias) and item.alias.lower() == key.name.lower():
                inner = item.this
                return inner if not isinstance(inner, exp.Column) or inner.name != key.name else key
    return key


def _duration(node: exp.Expr) -> int | None:
    text = node.name if isinstance(node, exp.Literal) else node.sql()
    return try_parse_duration(text)


def group_window(node: exp.Expr) -> WindowSpec | None:
    """A window call used as a GROUP BY key, decoded; None when ``node`` is not one."""
    if not isinstance(node, exp.Func):
        return None
    name = function_name(node)
    if name not in GROUP_WINDOW_FUNCTIONS:
        return None
    args = list(node.expressions) if isinstance(node, exp.Anonymous) else list(node.iter_expressions())
    time_col = args[0].name if args and isinstance(args[0], exp.Column) else None
    # Arroyo writes hop(slide, size) and tumble(size) without a time column: every argument is a duration.
    values = [_duration(a) for a in (args if args and _duration(args[0]) is not None else args[1:])]
    if not values or any(v is None for v in values):
        return WindowSpec("tumbling", time_column=time_col, written=name)
    ms = [v for v in values if v is not None]
    if name in {"SESSION", "SESSION_WINDOW"}:
        return WindowSpec("session", gap_ms=ms[0], time_column=time_col, written=name)
    if len(ms) == 1:
        return WindowSpec("tumbling", size_ms=ms[0], time_column=time_col, written=name)
    if name == "WINDOW":  # Spark: window(ts, size, slide)
        return WindowSpec("hopping", size_ms=ms[0], advance_ms=ms[1], time_column=time_col, written=name)
    # Flink HOP(ts, slide, size) and CUMULATE(ts, step, max): the size comes second.
    return WindowSpec("hopping", size_ms=ms[1], advance_ms=ms[0], time_column=time_col, written=name)
