"""Join facts from a SELECT: which tables meet, on which equi-join keys, and how far apart in time."""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from core.sql.durations import try_parse_duration
from core.sql.tree import table_name

__all__ = ["JoinFacts", "read_joins"]


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


def read_joins(select: exp.Select, within: dict[str, int]) -> list[JoinFacts]:
    """One :class:`JoinFacts` per JOIN of ``select``; keys ordered [left column, right column]."""
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
        # A comma join (FROM a, b WHERE a.k = b.k) states its keys in WHERE; only qualified
        # equalities that name the right side count there, so filters are never taken for keys.
        implicit = on is None and not using
        condition = where.this if implicit and where is not None else on
        left = first_name
        keys: list[tuple[str, str]] = []
        for cond in _conjuncts(condition):
            pair = _key_pair(cond, right_names)
            if pair is None or (implicit and not _names_both_sides(cond, right_names, set(seen))):
                continue
            keys.append(pair[0])
            left = seen.get(pair[1], left) if not keys[:-1] else left
        for column in using:
            keys.append((column.name, column.name))
        written = next((within[n] for n in sorted(right_names) if n in within), None)
        within_ms = written if written is not None else _interval_bound_ms(condition)
        kind = "inner" if implicit and keys else _kind(join)  # a comma join with equalities is inner
        facts.append(JoinFacts(left, right, tuple(keys), kind, within_ms))
        seen.update(dict.fromkeys(right_names, right))
    return facts


def _names_both_sides(cond: exp.Expr, right_names: set[str], left_names: set[str]) -> bool:
    qualifiers = {c.table.lower() for c in cond.find_all(exp.Column)}
    return bool(qualifiers & right_names) and bool(qualifiers & left_names)


def _key_pair(cond: exp.Expr, right_names: set[str]) -> tuple[tuple[str, str], str] | None:
    """``(left_col, right_col)`` and the left column's qualifier for an equality between columns."""
    if not isinstance(cond, exp.EQ):
        return None
    a, b = cond.this, cond.expression
    if not isinstance(a, exp.Column) or not isinstance(b, exp.Column):
        return None
    if a.table.lower() in right_names and b.table.lower() not in right_names:
        a, b = b, a
    return (a.name, b.name), a.table.lower()
