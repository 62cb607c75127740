"""Join facts from a SELECT: which tables meet, on which equi-join keys, and how far apart in time."""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect

from core.sql.durations import try_parse_duration
from core.sql.tree import main_select, table_name

__all__ = ["JoinFacts", "read_joins", "find_join_select", "key_text_bare"]


@dataclass(frozen=True)
class JoinFacts:
    left: str
    right: str
    keys: tuple[tuple[str, str], ...]
    kind: str
    within_ms: int | None


def _single_table(query: exp.Expr | None, ctes: dict[str, exp.Expr]) -> str | None:
    """The one real table a derived source reads (``(SELECT ... FROM t)`` or a CTE over t), if any."""
    for _ in range(8):  # a bounded walk: CTEs may refer to each other
        if isinstance(query, exp.Subquery):
            query = query.this
        if not isinstance(query, exp.Select) or query.args.get("joins"):
            return None
        from_node = query.args.get("from_")
        source = from_node.this if from_node is not None else None
        if isinstance(source, exp.Table) and source.name.lower() not in ctes:
            return table_name(source)
        query = ctes.get(source.name.lower()) if isinstance(source, exp.Table) else source
    return None


def _source_names(node: exp.Expr | None, ctes: dict[str, exp.Expr]) -> tuple[str, set[str]]:
    """A FROM/JOIN source's reported name (derived sources resolved to their one table, if any)
    and every name columns may qualify it by."""
    if node is None:
        return "", set()
    written = table_name(node)
    derived = ctes.get(written.lower()) if isinstance(node, exp.Table) else node
    name = (_single_table(derived, ctes) or written) if derived is not None else written
    names = {written.lower(), written.split(".")[-1].lower(), name.lower()}
    if node.alias:
        names.add(node.alias.lower())
    return name, names


def _ctes(select: exp.Select) -> list[exp.CTE]:
    """CTEs visible from ``select``: its own WITH and those of enclosing queries."""
    found: list[exp.CTE] = []
    node: exp.Expr | None = select
    while node is not None:
        with_ = node.args.get("with_")
        if with_ is not None:
            found.extend(with_.expressions)
        node = node.parent
    return found


def _conjuncts(cond: exp.Expr | None) -> list[exp.Expr]:
    if cond is None:
        return []
    return list(cond.flatten()) if isinstance(cond, exp.And) else [cond]


def _interval_bound_ms(cond: exp.Expr | None) -> int | None:
    """Interval joins: ``b.t BETWEEN a.t AND a.t + INTERVAL '2' HOUR`` bounds the pair at 2 h."""
    best: int | None = None
    for between in cond.find_all(exp.Between) if cond is not None else []:
        for bound in (between.args.get("low"), between.args.get("high")):
            for interval in bound.find_all(exp.Interval) if bound is not None else []:
                ms = try_parse_duration(interval.sql())
                if ms is not None and (best is None or ms > best):
                    best = ms
    return best


def _kind(join: exp.Join) -> str:
    side, kind = join.side.lower(), join.kind.lower()
    return side or kind or "inner"


_WINDOW_BOUNDS = {"window_start", "window_end", "window_time"}
_PROCTIME = {"proctime", "proc_time", "processing_time"}


def _refined_kind(join: exp.Join, kind: str, keys: list[tuple[str, str]], within_ms: int | None) -> str:
    """interval / temporal / lookup / window where the join says so; the side (inner, left...) otherwise."""
    version = join.this.args.get("version") if isinstance(join.this, exp.Table) else None
    if version is not None:  # FOR SYSTEM_TIME AS OF o.ts
        column = version.expression.name.lower() if isinstance(version.expression, exp.Column) else ""
        return "lookup" if column in _PROCTIME or "proctime" in version.sql().lower() else "temporal"
    if keys and any(a.lower() in _WINDOW_BOUNDS and b.lower() in _WINDOW_BOUNDS for a, b in keys):
        return "window"
    if within_ms is not None and kind == "inner":
        return "interval"
    return kind


def find_join_select(select: exp.Select) -> exp.Select:
    """The outermost SELECT (breadth first through derived sources and CTEs) that joins: FROM a JOIN b,
    a comma join, or a semi/anti join written as IN (SELECT ...) / EXISTS; ``select`` when none does."""
    for node in select.find_all(exp.Select, bfs=True):
        if node.args.get("joins") or _subquery_predicates(node):
            return node
    return select


def _subquery_predicates(select: exp.Select) -> list[tuple[exp.Expr, bool]]:
    """(IN / EXISTS predicate, negated) among the WHERE conjuncts of ``select``."""
    where = select.args.get("where")
    out: list[tuple[exp.Expr, bool]] = []
    for cond in _conjuncts(where.this if where is not None else None):
        negated = isinstance(cond, exp.Not)
        inner = cond.this if negated else cond
        if isinstance(inner, exp.In) and inner.args.get("query") is not None or isinstance(inner, exp.Exists):
            out.append((inner, negated))
    return out


def key_text_bare(node: exp.Expr, dialect: Dialect | None) -> str:
    """A join key as written, qualifiers removed: ``a.k`` -> ``k``, ``MOD(a.x, 10)`` -> ``MOD(x, 10)``."""
    if isinstance(node, exp.Column):
        return node.name
    bare = node.copy()
    for column in bare.find_all(exp.Column):
        column.set("table", None)
    return bare.sql(dialect=dialect, comments=False)


def read_joins(select: exp.Select, within: dict[str, int], dialect: Dialect | None = None) -> list[JoinFacts]:
    """One :class:`JoinFacts` per JOIN of ``select`` (then one per IN/EXISTS semi/anti join);
    keys ordered [left key, right key]."""
    ctes = {cte.alias.lower(): cte.this for cte in _ctes(select)}
    from_node = select.args.get("from_")
    first_name, first_names = _source_names(from_node.this if from_node is not None else None, ctes)
    seen: dict[str, str] = dict.fromkeys(first_names, first_name)
    facts: list[JoinFacts] = []
    where = select.args.get("where")
    for join in select.args.get("joins") or []:
        right, right_names = _source_names(join.this, ctes)
        on = join.args.get("on")
        using = join.args.get("using") or []
        lateral = join.this if isinstance(join.this, exp.Lateral) else None
        # A comma join (FROM a, b WHERE a.k = b.k) states its keys in WHERE; only qualified
        # equalities that name the right side count there, so filters are never taken for keys.
        # A LATERAL subquery states them inside: its WHERE correlates it with the sources before it.
        implicit = on is None and not using
        condition = where.this if implicit and where is not None else on
        if lateral is not None and implicit:
            inner = lateral.this.this if isinstance(lateral.this, exp.Subquery) else lateral.this
            inner_where = inner.args.get("where") if isinstance(inner, exp.Select) else None
            condition = inner_where.this if inner_where is not None else None
            right_names = right_names | _inner_names(inner)
        left = first_name
        keys: list[tuple[str, str]] = []
        for cond in _conjuncts(condition):
            pair = _key_pair(cond, right_names, dialect)
            if pair is None or (implicit and not _names_both_sides(cond, right_names, set(seen))):
                continue
            keys.append(pair[0])
            left = seen.get(pair[1], left) if not keys[:-1] else left
        for column in using:
            keys.append((column.name, column.name))
        written = next((within[n] for n in sorted(right_names) if n in within), None)
        within_ms = written if written is not None else _interval_bound_ms(condition)
        kind = "inner" if implicit and keys else _kind(join)  # a comma join with equalities is inner
        kind = _refined_kind(join, kind, keys, within_ms)
        facts.append(JoinFacts(left, right, tuple(keys), kind, within_ms))
        seen.update(dict.fromkeys(right_names, right))
    for predicate, negated in _subquery_predicates(select):
        facts.append(_semi_join(predicate, negated, first_name, set(seen), ctes, dialect))
    return facts


def _inner_names(query: exp.Expr | None) -> set[str]:
    names: set[str] = set()
    if isinstance(query, exp.Select):
        for source in [query.args.get("from_"), *(query.args.get("joins") or [])]:
            if source is not None and source.this is not None:
                names |= _source_names(source.this, {})[1]
    return names


def _semi_join(
    predicate: exp.Expr, negated: bool, left: str, outer: set[str], ctes: dict[str, exp.Expr],
    dialect: Dialect | None,
) -> JoinFacts:
    """``k IN (SELECT k2 FROM u)`` / ``EXISTS (SELECT ... FROM u WHERE u.k = t.k)`` as a semi join
    (``NOT ...``: anti) of the outer source with ``u`` on the compared keys."""
    kind = "anti" if negated else "semi"
    query = predicate.args.get("query") if isinstance(predicate, exp.In) else predicate.this
    inner = query.this if isinstance(query, exp.Subquery) else query
    inner = main_select(inner) if inner is not None else None
    if inner is None:
        return JoinFacts(left, "", (), kind, None)
    from_node = inner.args.get("from_")
    right, right_names = _source_names(from_node.this if from_node is not None else None, ctes)
    keys: list[tuple[str, str]] = []
    if isinstance(predicate, exp.In) and inner.expressions:
        outer_key = key_text_bare(predicate.this, dialect)
        keys.append((outer_key, key_text_bare(inner.expressions[0].unalias(), dialect)))
    else:
        inner_where = inner.args.get("where")
        for cond in _conjuncts(inner_where.this if inner_where is not None else None):
            pair = _key_pair(cond, right_names, dialect)
            if pair is not None and _names_both_sides(cond, right_names, outer):
                keys.append(pair[0])
    return JoinFacts(left, right, tuple(keys), kind, None)


def _names_both_sides(cond: exp.Expr, right_names: set[str], left_names: set[str]) -> bool:
    qualifiers = {c.table.lower() for c in cond.find_all(exp.Column)}
    return bool(qualifiers & right_names) and bool(qualifiers & left_names)


def _key_pair(
    cond: exp.Expr, right_names: set[str], dialect: Dialect | None = None
) -> tuple[tuple[str, str], str] | None:
    """``(left key, right key)`` and the left side's qualifier for an equality between the two sides;
    either side may be an expression (``MOD(a.x, 10) = b.k``), kept as SQL text without qualifiers."""
    if not isinstance(cond, exp.EQ):
        return None
    a, b = cond.this, cond.expression
    qa, qb = _qualifiers(a), _qualifiers(b)
    if not qa or not qb:
        return None  # a filter against a constant, not a key
    if qa <= right_names and not qb <= right_names:
        a, b, qa = b, a, qb
    left_q = next(iter(sorted(qa)))
    return (key_text_bare(a, dialect), key_text_bare(b, dialect)), left_q


def _qualifiers(node: exp.Expr) -> set[str]:
    columns = [node] if isinstance(node, exp.Column) else list(node.find_all(exp.Column))
    return {c.table.lower() for c in columns}
