"""A statement's Top-N: ``ROW_NUMBER()/RANK() OVER (PARTITION BY … ORDER BY …)`` filtered to ``<= N``,
or a root ``ORDER BY … LIMIT N`` (one partition). The replay keeps each partition's N best rows.

Read from the statement's own tree (the profile keeps the analytic window, not the bound on its
alias nor the ORDER BY direction).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect

from core.sql import parse_script
from core.sql.parser import ParsedStatement
from core.sql.tree import function_name, key_text

__all__ = ["TopN", "find_top_n", "top_n_of"]

_RANKING = {"ROW_NUMBER", "RANK", "DENSE_RANK"}


@dataclass(frozen=True)
class TopN:
    """Keep the ``n`` best rows per ``partition_by`` partition, ranked by ``order_by`` (SQL text of the
    first ORDER BY key; None: arrival order) descending or not. Ties go to the earlier arrival."""

    n: int
    partition_by: tuple[str, ...]
    order_by: str | None
    descending: bool
    function: str  # ROW_NUMBER, RANK, DENSE_RANK, or LIMIT for ORDER BY … LIMIT


def _literal_int(node: exp.Expr | None) -> int | None:
    if isinstance(node, exp.Literal) and not node.is_string and node.this.isdigit():
        return int(node.this)
    return None


def _bound(where: exp.Expr, alias: str) -> int | None:
    """N from ``alias <= N``, ``alias < N+1``, ``alias = 1``, ``N >= alias``, ``alias BETWEEN 1 AND N``."""
    def named(node: exp.Expr | None) -> bool:
        return isinstance(node, exp.Column) and node.name.lower() == alias

    for node in where.find_all(exp.LTE, exp.LT, exp.GTE, exp.GT, exp.EQ, exp.Between):
        if isinstance(node, exp.Between) and named(node.this):
            high = _literal_int(node.args.get("high"))
            if high is not None:
                return high
            continue
        left, right = node.this, node.args.get("expression")
        flipped = named(right) and not named(left)
        value = _literal_int(left if flipped else right)
        if value is None or not (named(left) or named(right)):
            continue
        if isinstance(node, exp.EQ):
            return 1 if value == 1 else None
        upper = (isinstance(node, exp.LTE | exp.LT) and not flipped) or (isinstance(node, exp.GTE | exp.GT)
                                                                         and flipped)
        if upper:
            return value - 1 if isinstance(node, exp.LT | exp.GT) else value
    return None


def _first_order(order: exp.Expr | None, dialect: Dialect) -> tuple[str | None, bool]:
    keys = list(order.expressions) if order is not None else []
    if not keys:
        return None, False
    first = keys[0]
    node = first.this if isinstance(first, exp.Ordered) else first
    return key_text(node, dialect), bool(isinstance(first, exp.Ordered) and first.args.get("desc"))


def find_top_n(stmt: ParsedStatement) -> TopN | None:
    """The statement's Top-N, or None when it has none (a plain OVER window keeps all rows)."""
    tree, dialect = stmt.expression, stmt.dialect
    wheres = list(tree.find_all(exp.Where))
    for alias in tree.find_all(exp.Alias):
        window = alias.this
        if not isinstance(window, exp.Window) or function_name(window.this) not in _RANKING:
            continue
        n = next((b for b in (_bound(w, alias.alias.lower()) for w in wheres) if b is not None), None)
        if n is None or n < 1:
            continue
        partition = tuple(key_text(p, dialect) for p in window.args.get("partition_by") or []
                          if p.find(exp.Column) is not None)
        order, desc = _first_order(window.args.get("order"), dialect)
        return TopN(n, partition, order, desc, function_name(window.this))
    root = tree.args.get("expression") if isinstance(tree, exp.Create | exp.Insert) else tree
    if isinstance(root, exp.Query) and root.args.get("order") is not None:
        limit = root.args.get("limit")
        n = _literal_int(limit.args.get("expression")) if limit is not None else None
        if n is not None and n >= 1:
            order, desc = _first_order(root.args.get("order"), dialect)
            return TopN(n, (), order, desc, "LIMIT")
    return None


def top_n_of(sql: str, dialect: str, index: int) -> TopN | None:
    """The Top-N of statement ``index`` (a profile's index) of the script ``sql``."""
    stmt = next((s for s in parse_script(sql, dialect) if s.index == index), None)
    return find_top_n(stmt) if stmt is not None else None
