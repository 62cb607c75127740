"""Which source column each stage key is, and which columns share a join-key domain.

A plan's exchange keys are written names (``region``, ``customer_id``). Each is resolved, against
the sources upstream of the exchange, to one source column ``table.column`` (lower case):

1. a source whose catalog entry declares the column (first in plan order);
2. else a source the statement's SQL qualifies it with (``c.region`` with ``customers AS c``);
3. else the first source upstream (the leftmost side of a join).

An expression key (``UPPER(region)``) stands for the plain columns it reads. Join equalities
(``o.customer_id = c.id``) put both columns in one domain, so the two sides' values can match.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from core.model.catalog import TableDef
from core.model.plan import Operator, Plan
from core.model.profile import is_window_bound
from core.workload.columns import plain_name, referenced_columns

__all__ = ["SourceColumns", "source_columns", "column_id", "table_name"]

_FROM = re.compile(r"\b(?:from|join)\s+(?:table\s*\(\s*\w+\s*\(\s*table\s+)?([A-Za-z_][\w.]*)"
                   r"(?:\s*\)[^)]*\)\s*)?(?:\s+(?:as\s+)?([A-Za-z_]\w*))?", re.I)
_QUALIFIED = re.compile(r"\b([A-Za-z_]\w*)\.([A-Za-z_]\w*)\b")
_NOT_ALIAS = frozenset({"on", "where", "join", "left", "right", "full", "inner", "outer", "cross", "group",
                        "order", "window", "using", "for", "lateral", "semi", "anti", "natural", "limit",
                        "having", "union", "emit", "partition", "within", "select", "as"})


def table_name(source: str) -> str:
    """The catalog name (lower case) of a replay source name (``orders#3`` → ``orders``)."""
    return source.split("#", 1)[0].lower()


def column_id(table: str, column: str) -> str:
    """A source column's identity in the replay: ``table.column``, lower case."""
    return f"{table.lower()}.{column.lower()}"


def _sql_owners(sql: str) -> dict[str, str]:
    """Column (lower) → table (lower) for every ``alias.column`` the SQL writes."""
    aliases: dict[str, str] = {}
    for m in _FROM.finditer(sql):
        table = m.group(1).split(".")[-1].lower()
        aliases[table] = table
        alias = (m.group(2) or "").lower()
        if alias and alias not in _NOT_ALIAS:
            aliases[alias] = table
    owners: dict[str, str] = {}
    for m in _QUALIFIED.finditer(sql):
        table = aliases.get(m.group(1).lower())
        if table is not None:
            owners.setdefault(m.group(2).lower(), table)
    return owners


@dataclass
class SourceColumns:
    """Each source operator's name and needed columns, and each stage key's source columns."""

    plan: Plan
    names: dict[int, str]  # source op id → table name as written (or source<id>)
    needed: dict[int, dict[str, str]] = field(default_factory=dict)  # op → lower column → written
    _domain: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def sources_under(self, op_id: int) -> list[int]:
        """Source operators feeding ``op_id`` (itself when it is one), in plan order."""
        seen: set[int] = set()
        stack = [op_id]
        while stack:
            o = self.plan.operator(stack.pop())
            if o.id in seen:
                continue
            seen.add(o.id)
            stack.extend(o.inputs)
        return sorted(i for i in seen if self.plan.operator(i).kind == "source")

    def domain(self, col: str) -> str:
        """The join-key domain a column's values live in (itself unless joined)."""
        while self._domain.get(col, col) != col:
            col = self._domain[col]
        return col

    def share_domain(self, a: str, b: str) -> None:
        ra, rb = self.domain(a), self.domain(b)
        if ra != rb:
            self._domain[rb] = ra

    def joined(self, col: str) -> bool:
        """True when the column takes part in a join equality (its values come from a shared domain)."""
        return col in self._domain or any(self.domain(c) == col for c in self._domain)


class _Resolver:
    def __init__(self, plan: Plan, catalog: Mapping[str, TableDef], sql: str) -> None:
        self.plan, self.catalog = plan, catalog
        self.owners = _sql_owners(sql)
        names: dict[int, str] = {}
        for op in plan.operators:
            if op.kind == "source":
                name = op.table or f"source{op.id}"
                # A table read twice (a self-join) is two sources: the second gets its own columns.
                names[op.id] = name if name.lower() not in {n.lower() for n in names.values()} \
                    else f"{name}#{op.id}"
        self.out = SourceColumns(plan, names)

    def declared(self, src: int, column: str) -> bool:
        table = self.catalog.get(table_name(self.out.names[src]))
        return table is not None and any(c.name.lower() == column.lower() for c in table.columns)

    def resolve(self, text: str, from_op: int) -> tuple[str, ...]:
        """Source columns (ids) of one key text, seen from the output of ``from_op``."""
        name = plain_name(text)
        columns = [name] if name else list(referenced_columns(text))
        if not name and columns:
            self.out.notes.append(f"key {text!r} replayed as the column(s) it reads: {', '.join(columns)}")
        out = []
        for col in columns:
            if is_window_bound(col):
                continue
            src = self._owner(col, from_op)
            if src is None:
                continue
            self.out.needed.setdefault(src, {}).setdefault(col.lower(), col)
            out.append(column_id(self.out.names[src], col))
        return tuple(out)

    def _owner(self, col: str, from_op: int) -> int | None:
        under = self.out.sources_under(from_op)
        if not under:
            return None
        for src in under:
            if self.declared(src, col):
                return src
        table = self.owners.get(col.lower())
        for src in under:
            if table is not None and table_name(self.out.names[src]).split(".")[-1] == table:
                return src
        return under[0]


def _join_pairs(plan: Plan, op: Operator, keys: dict[int, tuple[str, ...]], res: _Resolver
                ) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """(left columns, right columns) of a join, from its two hash exchanges (else its own keys)."""
    sides = []
    for i, inp in enumerate(op.inputs):
        ex = next((e for e in plan.exchanges if e.to == op.id and e.from_ == inp and e.kind == "hash"), None)
        if ex is not None:
            sides.append(keys.get(id(ex), ()))
        elif i == 0 and op.keys:
            sides.append(tuple(c for k in op.keys for c in res.resolve(k, inp)))
        else:
            sides.append(())
    return [(sides[0], sides[1])] if len(sides) == 2 else []


def source_columns(plan: Plan, catalog: Mapping[str, TableDef], sql: str,
                   join_keys: tuple[tuple[tuple[str, str], ...], ...] = ()
                   ) -> tuple[SourceColumns, dict[int, tuple[str, ...]], dict[int, tuple[tuple[str, ...],
                                                                                  tuple[str, ...]]]]:
    """Resolve every exchange's keys and every join's equi pairs to source columns.

    Returns the sources (names, needed columns, domains), the columns per exchange (by ``id()`` of
    the exchange object) and per join operator its (left, right) column tuples. ``join_keys`` (from
    the profile, one per join in order) are used for a join side that has no exchange.
    """
    res = _Resolver(plan, catalog, sql)
    keys: dict[int, tuple[str, ...]] = {}
    for ex in plan.exchanges:
        keys[id(ex)] = tuple(c for k in ex.keys for c in res.resolve(k, ex.from_))
    joins: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    join_ops = [o for o in plan.operators if o.kind == "join"]
    for n, op in enumerate(join_ops):
        pairs = _join_pairs(plan, op, keys, res)
        left, right = pairs[0] if pairs else ((), ())
        if (not left or not right) and n < len(join_keys) and len(op.inputs) == 2:
            left = left or tuple(c for a, _ in join_keys[n] for c in res.resolve(a, op.inputs[0]))
            right = right or tuple(c for _, b in join_keys[n] for c in res.resolve(b, op.inputs[1]))
        if left and right and len(left) == len(right):
            for a, b in zip(left, right, strict=True):
                res.out.share_domain(a, b)
            joins[op.id] = (left, right)
        elif not op.keys and not any(e.to == op.id and e.kind == "hash" for e in plan.exchanges):
            # No equi key (one place): every left × right pair is a candidate; the predicate is not
            # evaluated, so the replay counts candidate pairs (an upper bound of the matches).
            joins[op.id] = ((), ())
            res.out.notes.append(f"the {op.detail} is replayed as its candidate pairs (every left × right "
                                 "record, an upper bound): its predicate is not evaluated")
    return res.out, keys, joins
