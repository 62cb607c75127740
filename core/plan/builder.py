"""``build_plan``: a statement's operators, how each output is distributed, and the exchanges.

One pass over the parsed query, bottom-up: every source, join, aggregate, analytic window, DISTINCT,
set operation and sort becomes an operator with the requirement DESIGN.md's table gives it. Columns
are tracked as *atoms* (a source column ``orders.order_id``, or an expression as written) joined into
equivalence classes by join equalities and aliases, so a distribution survives projections and a
join on ``a.k = b.k`` leaves its output hashed on either name. An exchange is placed on each input
whose distribution does not satisfy its operator, under the engine's :class:`~core.plan.rules.PlanRules`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlglot import exp

from core.analysis.profile import is_window_bound
from core.model.catalog import TableDef
from core.model.plan import Distribution, Exchange, Operator, Plan, Requirement
from core.plan.atoms import Atoms
from core.plan.rules import PlanRules, rules_for
from core.sql.clauses import WindowSpec
from core.sql.tree import function_name, group_window, own_aggregates, resolve_group_key

__all__ = ["build_plan", "PlannedStatement"]

_RANKING = {"ROW_NUMBER", "RANK", "DENSE_RANK"}
_KEY_HASHING = (None, "murmur2", "crc32")
_STRATEGY = {"hash": "always_hash", "single": "fan_in", "forward": "sticky_partition",
             "rebalance": "round_robin", "broadcast": "fan_in"}


@dataclass
class _Rel:
    """An operator's output: its columns (lower name → atom, written name) and distribution."""

    op: int
    cols: dict[str, tuple[str, str]] = field(default_factory=dict)
    scopes: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)  # alias → its columns
    dist: Distribution = field(default_factory=lambda: Distribution("any"))
    source_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlannedStatement:
    """The plan plus what single routing needs: each stateful operator's key classes."""

    plan: Plan
    stages: tuple[tuple[int, tuple[tuple[str, ...], ...] | None], ...]  # (op id, key classes | None=single)
    atoms: Atoms


class _Builder:
    def __init__(self, catalog: Mapping[str, TableDef], rules: PlanRules, dialect: object,
                 window: WindowSpec | None, tvf_sources: tuple[str, ...]) -> None:
        self.catalog, self.rules, self.dialect = catalog, rules, dialect
        self.window, self.tvf_sources = window, {s.lower() for s in tvf_sources}
        self.matches: list[tuple[str, ...]] = []
        self.window_used = False
        self.ops: list[Operator] = []
        self.exchanges: list[Exchange] = []
        self.stages: list[tuple[int, tuple[tuple[str, ...], ...] | None]] = []
        self.atoms = Atoms()
        self.bounds: set[str] = set()  # atoms that are window bounds
        self.depth = 0

    # --- operators and exchanges ---------------------------------------------------------------
    def add(self, kind: str, inputs: list[_Rel], keys: tuple[str, ...], detail: str,
            requires: list[Requirement] | None = None, table: str | None = None) -> int:
        op_id = len(self.ops)
        reqs = requires if requires is not None else [Requirement("any")] * len(inputs)
        for rel, req in zip(inputs, reqs, strict=True):
            self._exchange(rel, req, op_id, detail)
        self.ops.append(Operator(op_id, kind, tuple(r.op for r in inputs), keys, detail,  # type: ignore[arg-type]
                                 tuple(reqs), table))
        return op_id

    def _satisfied(self, dist: Distribution, req: Requirement) -> bool:
        if req.kind == "any":
            return True
        if req.kind == "single":
            return dist.kind == "single"
        if dist.kind != "hash" or not dist.keys:
            return False
        have = {self.atoms.find(a) for a in dist.keys}
        want = {self.atoms.find(a) for a in req.keys}
        return have <= want if self.rules.subset_satisfies else have == want

    def _exchange(self, rel: _Rel, req: Requirement, to: int, detail: str) -> None:
        if self._satisfied(rel.dist, req):
            return
        source = self.ops[rel.op].kind == "source"
        kind = "hash" if req.kind == "hash" else "single"
        strategy = _STRATEGY[kind]
        if kind == "hash" and source and self.rules.skips_aligned_shuffle:
            strategy = "smart_repartition"
        names = tuple(self.name_of(rel, a) for a in req.keys)
        have = self._describe(rel)
        need = f"hash({', '.join(names)})" if kind == "hash" else "one place"
        self.exchanges.append(Exchange(rel.op, to, kind, names, strategy,  # type: ignore[arg-type]
                                       f"{detail} needs {need}; its input is {have}"))

    def _describe(self, rel: _Rel) -> str:
        d = rel.dist
        if d.kind == "single":
            return "in one place"
        if d.kind == "hash" and d.keys:
            return f"hashed on ({', '.join(self.name_of(rel, a) for a in d.keys)})"
        if self.ops[rel.op].kind == "source":
            return "distributed as its Kafka partitions are" + (
                " (this engine never trusts a source's partitioning)" if not self.rules.trusts_source_key
                else "")
        return "not distributed by these keys"

    def name_of(self, rel: _Rel, atom: str) -> str:
        root = self.atoms.find(atom)
        for _, (a, written) in rel.cols.items():
            if self.atoms.find(a) == root:
                return written
        return self.atoms.display(atom)

    # --- queries ------------------------------------------------------------------------------
    def query(self, node: exp.Expr, ctes: dict[str, object]) -> _Rel:
        self.depth += 1
        try:
            if self.depth > 200:
                raise RecursionError
            if isinstance(node, exp.Subquery):
                return self.query(node.this, self._with(node, ctes))
            if isinstance(node, exp.SetOperation):
                return self.setop(node, self._with(node, ctes))
            if isinstance(node, exp.Select):
                return self.select(node, self._with(node, ctes))
            return self.leaf(node, None)
        finally:
            self.depth -= 1

    def _with(self, node: exp.Expr, ctes: dict[str, object]) -> dict[str, object]:
        with_ = node.args.get("with_")
        if with_ is None:
            return ctes
        out = dict(ctes)
        for cte in with_.expressions:
            out[cte.alias.lower()] = cte.this  # built on first use, then reused
        return out

    def setop(self, node: exp.SetOperation, ctes: dict[str, object]) -> _Rel:
        left, right = self.query(node.this, ctes), self.query(node.expression, ctes)
        distinct = bool(node.args.get("distinct")) or not isinstance(node, exp.Union)
        word = {"union": "UNION", "except": "EXCEPT", "intersect": "INTERSECT"}.get(node.key, "UNION")
        out_cols = dict(left.cols)
        if not distinct:
            op = self.add("union_all", [left, right], (), f"{word} ALL")
            return _Rel(op, out_cols, {}, Distribution("any"), left.source_names + right.source_names)
        for (a, _), (b, _) in zip(left.cols.values(), right.cols.values(), strict=False):
            self.atoms.union(a, b)  # column i of either side is the same output column
        both = self.add("union_all", [left, right], (), f"{word} inputs appended")
        merged = _Rel(both, out_cols, {}, Distribution("any"), left.source_names + right.source_names)
        keys = tuple(a for a, _ in out_cols.values() if not self.is_bound(a))
        names = tuple(self.name_of(merged, a) for a in keys)
        op = self.add("union", [merged], names, f"{word} (distinct) on all columns",
                      [Requirement("hash", keys)])
        self._stage(op, [keys] if keys else None)
        return _Rel(op, out_cols, {}, _output(self.rules, keys), merged.source_names)

    def leaf(self, node: exp.Expr, ctes: dict[str, object] | None) -> _Rel:
        """A FROM item: a table (or CTE), a subquery, or anything else read as one source."""
        ctes = ctes or {}
        alias = (node.alias_or_name or "").lower()
        if isinstance(node, exp.Table) and not node.db and node.name.lower() in ctes:
            rel = self._cte(node.name.lower(), ctes)
            return self._aliased(rel, alias or node.name.lower())
        if isinstance(node, exp.Table):
            return self.source(node, alias)
        if isinstance(node, (exp.Subquery, exp.Select, exp.SetOperation)):
            plain = isinstance(node, exp.Subquery) and not isinstance(node.this, exp.Table)
            inner = node.this if plain else node
            return self._aliased(self.query(inner, ctes), alias)
        if isinstance(node, exp.Lateral):
            return self._aliased(self.query(node.this, ctes), alias)
        name = node.sql(dialect=self.dialect, comments=False)[:60]  # type: ignore[arg-type]
        op = self.add("source", [], (), f"reads {name}", table=None)
        return _Rel(op, {}, {alias: {}} if alias else {}, Distribution("any"))

    def _cte(self, name: str, ctes: dict[str, object]) -> _Rel:
        built = ctes[name]
        if isinstance(built, _Rel):
            return built
        inner = {k: v for k, v in ctes.items() if k != name}  # a CTE cannot read itself here
        rel = self.query(built, inner)  # type: ignore[arg-type]
        ctes[name] = rel
        return rel

    def _aliased(self, rel: _Rel, alias: str) -> _Rel:
        scopes = dict(rel.scopes)
        if alias:
            scopes = {alias: dict(rel.cols)}
        return _Rel(rel.op, dict(rel.cols), scopes, rel.dist, rel.source_names)

    def source(self, node: exp.Table, alias: str) -> _Rel:
        name = ".".join(p.name for p in node.parts)
        table = self.catalog.get(name.lower()) or self.catalog.get(node.name.lower())
        written = table.name if table else name
        cols: dict[str, tuple[str, str]] = {}
        for c in table.columns if table else ():
            cols[c.name.lower()] = (f"{written.lower()}.{c.name.lower()}", c.name)
        dist = Distribution("any")
        if table and table.key and self.rules.trusts_source_key and table.partitioner in _KEY_HASHING:
            dist = Distribution("hash", tuple(self._source_atom(cols, written, k) for k in table.key))
        versioned = " (versioned, FOR SYSTEM_TIME AS OF)" if node.args.get("version") else ""
        keyed = f", keyed by {', '.join(table.key)}" if table and table.key else ""
        op = self.add("source", [], tuple(table.key) if table else (), f"reads {written}{keyed}{versioned}",
                      table=written)
        for _, (atom, w) in cols.items():
            self.atoms.name(atom, w)
        return _Rel(op, cols, {alias or node.name.lower(): cols}, dist, (written,))

    def _source_atom(self, cols: dict[str, tuple[str, str]], table: str, column: str) -> str:
        low = column.lower()
        if low not in cols:
            cols[low] = (f"{table.lower()}.{low}", column)
        return cols[low][0]

    # --- column resolution ------------------------------------------------------------------
    def atom(self, rel: _Rel, node: exp.Expr) -> str:
        """The atom a column or expression stands for in ``rel``; unknown columns join their source."""
        if isinstance(node, exp.Paren):
            return self.atom(rel, node.this)
        if isinstance(node, exp.Column) and not isinstance(node.this, exp.Star):
            name, qual = node.name.lower(), node.table.lower()
            scope = rel.scopes.get(qual) if qual else None
            found = (scope or {}).get(name) if qual else rel.cols.get(name)
            if found is None and not qual:
                found = next((s[name] for s in rel.scopes.values() if name in s), None)
            if found is not None:
                return found[0]
            owner = scope if scope is not None else (next(iter(rel.scopes.values())) if len(rel.scopes) == 1
                                                     else None)
            prefix = qual or (rel.source_names[0].lower() if len(rel.source_names) == 1 else "?")
            atom = f"{prefix}.{name}"
            entry = (atom, node.name)
            self.atoms.name(atom, node.name)
            if owner is not None:
                owner[name] = entry
            rel.cols.setdefault(name, entry)
            if is_window_bound(name):
                self.bounds.add(atom)
            return atom
        text = _written(node, self.dialect)
        atom = f"expr:{text}"
        self.atoms.name(atom, text)
        return atom

    def is_bound(self, atom: str) -> bool:
        return atom in self.bounds or is_window_bound(self.atoms.display(atom))

    # --- SELECT -----------------------------------------------------------------------------
    def select(self, sel: exp.Select, ctes: dict[str, object]) -> _Rel:
        from_ = sel.args.get("from_")
        if from_ is None:
            op = self.add("source", [], (), "constant rows (no FROM)")
            rel = _Rel(op)
        else:
            rel = self.from_item(from_.this, ctes)
        for join in sel.args.get("joins") or []:
            rel = self.join(rel, join, sel, ctes)
        where = sel.args.get("where")
        if where is not None:
            rel = self.where(rel, where.this, ctes)
        window = self._window_for(sel, rel)
        if sel.args.get("group") is not None or own_aggregates(sel):
            rel = self.aggregate(rel, sel, window)
        elif window is not None:
            self._mark_window_bounds(rel)
        rel = self.analytic(rel, sel)
        rel = self.project(rel, sel)
        if sel.args.get("distinct") is not None and not sel.args["distinct"].args.get("on"):
            keys = tuple(a for a, _ in rel.cols.values() if not self.is_bound(a))
            op = self.add("distinct", [rel], tuple(self.name_of(rel, a) for a in keys),
                          "SELECT DISTINCT on all columns", [Requirement("hash", keys)])
            self.stages.append((op, tuple((self.atoms.find(a),) for a in keys) or None))
            rel = _Rel(op, rel.cols, rel.scopes, _output(self.rules, keys), rel.source_names)
        return self.order_limit(rel, sel)

    def from_item(self, node: exp.Expr, ctes: dict[str, object]) -> _Rel:
        if isinstance(node, exp.Table) and isinstance(node.this, exp.Unnest):
            return self.leaf(node.this, ctes)
        rel = self.leaf(node, ctes)
        if isinstance(node, exp.Table) and self.ops[rel.op].kind == "source" and self.matches:
            return self.match_recognize(rel, self.matches.pop(0))
        return rel

    def match_recognize(self, rel: _Rel, partition: tuple[str, ...]) -> _Rel:
        items = [exp.column(p) if p.replace("_", "a").isalnum() else exp.maybe_parse(p) for p in partition]
        keys = tuple(k for k in (self.atom(rel, i) for i in items) if not self.is_bound(k))
        req = Requirement("hash", keys) if keys else Requirement("single")
        names = tuple(self.name_of(rel, k) for k in keys)
        op = self.add("match_recognize", [rel], names,
                      f"MATCH_RECOGNIZE partitioned by {', '.join(names) or 'nothing (one place)'}", [req])
        self._stage(op, [keys] if keys else None)
        return _Rel(op, rel.cols, rel.scopes, _keyed(keys), rel.source_names)

    def _stage(self, op: int, key_sets: list[tuple[str, ...]] | None) -> None:
        if key_sets is None:
            self.stages.append((op, None))
            return
        # Tuples, not sets: the first operator's key order is the order single routing reports.
        self.stages.append((op, tuple(tuple(self.atoms.find(a) for a in ks) for ks in key_sets)))

    def _window_for(self, sel: exp.Select, rel: _Rel) -> WindowSpec | None:
        """The lifted streaming window (WINDOW clause, TVF) belongs to the SELECT that reads its
        source, or else to the outermost SELECT that groups."""
        if self.window is None or self.window_used:
            return None
        reads = {s.lower() for s in rel.source_names}
        if self.tvf_sources and not (reads & self.tvf_sources):
            return None
        self.window_used = True
        return self.window

    def _mark_window_bounds(self, rel: _Rel) -> None:
        for low in ("window_start", "window_end", "window_time"):
            if low not in rel.cols:
                atom = f"wb:{rel.op}:{low}"
                rel.cols[low] = (atom, low)
                self.atoms.name(atom, low)
                self.bounds.add(atom)

    def join(self, left: _Rel, join: exp.Join, sel: exp.Select, ctes: dict[str, object]) -> _Rel:
        target = join.this
        kind = (join.side or join.kind or "inner").lower()
        if isinstance(target, exp.Unnest) or isinstance(target.this, exp.Unnest):
            op = self.add("unnest", [left], (), "CROSS JOIN UNNEST (per record, no state)")
            out = _Rel(op, dict(left.cols), dict(left.scopes), left.dist, left.source_names)
            alias = target.args.get("alias")
            for col in (alias.columns if alias is not None else []):
                atom = f"unnest:{op}:{col.name.lower()}"
                self.atoms.name(atom, col.name)
                out.cols[col.name.lower()] = (atom, col.name)
            return out
        right = self.from_item(target, ctes)
        cond = join.args.get("on")
        if cond is None and not join.args.get("using"):
            cond = sel.args["where"].this if sel.args.get("where") is not None else None
        pairs = self._equi_pairs(left, right, cond) if cond is not None else []
        for name in join.args.get("using") or []:
            pairs.append((self.atom(left, exp.column(name.name)), self.atom(right, exp.column(name.name))))
        if isinstance(target, exp.Lateral) or "lateral" in target.key:
            kind = "lateral"
        detail = self._join_detail(kind, left, right, pairs, cond, target)
        return self._join_op(left, right, pairs, detail)

    def _join_op(self, left: _Rel, right: _Rel, pairs: list[tuple[str, str]], detail: str) -> _Rel:
        if pairs:
            lk, rk = tuple(a for a, _ in pairs), tuple(b for _, b in pairs)
            reqs = [Requirement("hash", lk), Requirement("hash", rk)]
        else:
            reqs = [Requirement("single"), Requirement("single")]
        names = tuple(self.name_of(left, a) for a, _ in pairs)
        op = self.add("join", [left, right], names, detail, reqs)
        for a, b in pairs:
            self.atoms.union(a, b)
        self._stage(op, [tuple(a for a, _ in pairs)] if pairs else None)
        cols = {**right.cols, **left.cols}
        scopes = {**left.scopes, **right.scopes}
        dist = _output(self.rules, tuple(a for a, _ in pairs))
        return _Rel(op, cols, scopes, dist, left.source_names + right.source_names)

    def _join_detail(self, kind: str, left: _Rel, right: _Rel, pairs: list[tuple[str, str]],
                     cond: exp.Expr | None, target: exp.Expr) -> str:
        words = []
        if isinstance(target, exp.Table) and target.args.get("version"):
            words.append("temporal")
        if cond is not None and cond.find(exp.Between) is not None:
            words.append("interval")
        if kind not in ("inner", ""):
            words.append(kind)
        on = ", ".join(f"{self.name_of(left, a)} = {self.name_of(right, b)}" for a, b in pairs)
        what = " ".join(words + ["join"])
        return f"{what} on {on}" if on else f"{what} without an equi-join key (one place)"

    def _equi_pairs(self, left: _Rel, right: _Rel, cond: exp.Expr) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        for part in _conjuncts(cond):
            if not isinstance(part, exp.EQ):
                continue
            a, b = part.this, part.expression
            sides = (self._side(left, right, a), self._side(left, right, b))
            if sides == ("left", "right"):
                pairs.append((self.atom(left, a), self.atom(right, b)))
            elif sides == ("right", "left"):
                pairs.append((self.atom(left, b), self.atom(right, a)))
        key = {p for p in pairs if not (self.is_bound(p[0]) and self.is_bound(p[1]))}
        return [p for p in dict.fromkeys(pairs) if p in key]

    def _side(self, left: _Rel, right: _Rel, node: exp.Expr) -> str | None:
        columns = list(node.find_all(exp.Column))
        if not columns:
            return None
        found = {self._which(left, right, c) for c in columns}
        return found.pop() if len(found) == 1 else None

    @staticmethod
    def _which(left: _Rel, right: _Rel, col: exp.Column) -> str | None:
        qual, name = col.table.lower(), col.name.lower()
        if qual:
            return "left" if qual in left.scopes else ("right" if qual in right.scopes else None)
        in_left = name in left.cols or any(name in s for s in left.scopes.values())
        in_right = name in right.cols or any(name in s for s in right.scopes.values())
        if in_left != in_right:
            return "left" if in_left else "right"
        return None

    def where(self, rel: _Rel, cond: exp.Expr, ctes: dict[str, object]) -> _Rel:
        """Semi/anti joins for ``IN (SELECT …)`` / ``EXISTS``; the rest is a chained filter."""
        for part in _conjuncts(cond):
            negated = isinstance(part, exp.Not)
            inner = part.this if negated else part
            if isinstance(inner, exp.In) and inner.args.get("query") is not None:
                sub = self.query(inner.args["query"].this if isinstance(inner.args["query"], exp.Subquery)
                                 else inner.args["query"], ctes)
                first = next(iter(sub.cols.values()), None)
                if first is not None:
                    pairs = [(self.atom(rel, inner.this), first[0])]
                    word = "anti" if negated else "semi"
                    on = f"{self.name_of(rel, pairs[0][0])} = {first[1]}"
                    rel = self._join_op(rel, sub, pairs, f"{word} join (IN subquery) on {on}")
            elif isinstance(inner, exp.Exists):
                query = inner.this.this if isinstance(inner.this, exp.Subquery) else inner.this
                sub = self.query(query, ctes)
                inner_where = query.args.get("where") if isinstance(query, exp.Select) else None
                pairs = self._equi_pairs(rel, sub, inner_where.this) if inner_where is not None else []
                word = "anti" if negated else "semi"
                on = ", ".join(f"{self.name_of(rel, a)} = {self.name_of(sub, b)}" for a, b in pairs)
                rel = self._join_op(rel, sub, pairs, f"{word} join (EXISTS) on {on}" if on
                                    else f"{word} join (EXISTS) without a correlation key (one place)")
        return rel

    def aggregate(self, rel: _Rel, sel: exp.Select, window: WindowSpec | None) -> _Rel:
        group = sel.args.get("group")
        keys: list[str] = []
        sets = 1
        for written in group.expressions if group is not None else []:
            if isinstance(written, (exp.Rollup, exp.Cube, exp.GroupingSets)):
                sets += 1
                for item in written.expressions:
                    for part in (item.expressions if isinstance(item, exp.Tuple) else [item]):
                        keys.append(self.atom(rel, resolve_group_key(part, sel)))
                continue
            key = resolve_group_key(written, sel)
            spec = group_window(key)
            if spec is not None:
                window = window or spec
                continue
            keys.append(self.atom(rel, key))
        for extra in ("rollup", "cube", "grouping_sets"):
            for item in (group.args.get(extra) or []) if group is not None else []:
                sets += 1
                keys.extend(self.atom(rel, c) for c in item.find_all(exp.Column))
        keys = list(dict.fromkeys(k for k in keys if not self.is_bound(k)))
        if sets > 1:
            op = self.add("expand", [rel], (), "expands the grouping sets (ROLLUP / CUBE / GROUPING SETS)")
            rel = _Rel(op, rel.cols, rel.scopes, rel.dist, rel.source_names)
        hash_keys = list(keys)
        if sets > 1 and self.rules.grouping_id_key:
            hash_keys.append(self._synthetic(self.rules.grouping_id_key))
        if window is not None and self.rules.window_in_hash_key and hash_keys:
            hash_keys.append(self._synthetic("window"))
        req = Requirement("hash", tuple(hash_keys)) if keys else Requirement("single")
        names = tuple(self.name_of(rel, k) for k in keys)
        what = f"{window.kind} window " if window is not None else ""
        by = f"by {', '.join(names)}" if names else "over everything (one place)"
        if sets > 1:
            by += " with grouping sets"
        set_id = (self.rules.grouping_id_key,) if sets > 1 and self.rules.grouping_id_key else ()
        op = self.add("aggregate", [rel], names + set_id, f"{what}aggregate {by}", [req])
        # Grouping sets group by subsets of the keys: only what every set shares (often nothing).
        self._stage(op, [tuple(keys)] if keys and sets == 1 else None)
        dist = _output(self.rules, tuple(hash_keys) if keys else ())
        out = _Rel(op, dict(rel.cols), dict(rel.scopes), dist, rel.source_names)
        if window is not None:
            self._mark_window_bounds(out)
        return out

    def _synthetic(self, name: str) -> str:
        atom = f"syn:{name}"
        self.atoms.name(atom, name)
        return atom

    def analytic(self, rel: _Rel, sel: exp.Select) -> _Rel:
        named = {w.alias_or_name.lower(): w for w in sel.args.get("windows") or []}
        for window in sel.find_all(exp.Window):
            if not isinstance(window.this, exp.Func) or _owner(window) is not sel:
                continue
            ref = window.args.get("alias")  # OVER w / OVER (w ORDER BY ...) name a WINDOW definition
            base = named.get(ref.name.lower()) if isinstance(ref, exp.Identifier) else None
            partition = window.args.get("partition_by") or (base and base.args.get("partition_by")) or []
            keys = tuple(k for k in (self.atom(rel, p) for p in partition) if not self.is_bound(k))
            function = function_name(window.this)
            kind = "rank" if function in _RANKING else "over"
            req = Requirement("hash", keys) if keys else Requirement("single")
            names = tuple(self.name_of(rel, k) for k in keys)
            what = "Top-N / deduplication" if kind == "rank" else "OVER window"
            op = self.add(kind, [rel], names, f"{what} {function} partitioned by "
                          f"{', '.join(names) or 'nothing (one place)'}", [req])
            self._stage(op, [keys] if keys else None)
            rel = _Rel(op, rel.cols, rel.scopes, _output(self.rules, keys), rel.source_names)
        return rel

    def project(self, rel: _Rel, sel: exp.Select) -> _Rel:
        """The select list: aliases carry their expression's atom, so distributions survive them."""
        cols: dict[str, tuple[str, str]] = {}
        for item in sel.expressions:
            if isinstance(item, exp.Star) or isinstance(item.this, exp.Star):
                cols.update(rel.cols)
                continue
            inner = item.unalias() if isinstance(item, exp.Alias) else item
            out = item.alias_or_name or inner.sql(dialect=self.dialect, comments=False)  # type: ignore[arg-type]
            if isinstance(inner, (exp.Column, exp.Paren)) or not inner.find(exp.AggFunc, exp.Window):
                atom = self.atom(rel, inner)
            else:
                atom = f"out:{rel.op}:{out.lower()}"
                self.atoms.name(atom, out)
            cols[out.lower()] = (atom, out)
        keep = {self.atoms.find(a) for a, _ in cols.values()}
        dist = rel.dist
        if dist.kind == "hash" and not all(self.atoms.find(k) in keep for k in dist.keys):
            dist = Distribution("any")
        # Scopes stay: a correlated EXISTS still resolves ``s.order_id`` against the subquery's FROM.
        return _Rel(rel.op, cols or dict(rel.cols), dict(rel.scopes), dist, rel.source_names)

    def order_limit(self, rel: _Rel, sel: exp.Select) -> _Rel:
        order, limit = sel.args.get("order"), sel.args.get("limit")
        if order is None and limit is None:
            return rel
        keys = tuple(self.atom(rel, o.this if isinstance(o, exp.Ordered) else o)
                     for o in (order.expressions if order is not None else []))
        names = tuple(self.name_of(rel, k) for k in keys)
        if limit is not None:
            kind, detail = ("sort_limit", f"ORDER BY {', '.join(names)} LIMIT") if order is not None \
                else ("limit", "LIMIT")
            req = Requirement("single")
        else:
            kind, detail = "sort", f"ORDER BY {', '.join(names)}"
            req = Requirement("single") if self.rules.global_order_by else Requirement("any")
            if req.kind == "any":
                detail += " (order kept per partition)"
        op = self.add(kind, [rel], names, detail, [req])
        if req.kind == "single":
            self._stage(op, None)
        return _Rel(op, rel.cols, rel.scopes, Distribution("single") if req.kind == "single" else rel.dist,
                    rel.source_names)


def _keyed(keys: tuple[str, ...]) -> Distribution:
    """Hashed on ``keys``, or in one place when an operator has none."""
    return Distribution("hash", keys) if keys else Distribution("single")


def _output(rules: PlanRules, keys: tuple[str, ...]) -> Distribution:
    """A keyed operator's output distribution under the engine's rules (one place stays one place)."""
    if keys and not rules.keyed_outputs_distributed:
        return Distribution("any")
    return _keyed(keys)


def _written(node: exp.Expr, dialect: object) -> str:
    """An expression key as a user wrote it: unqualified columns, ``MOD(a, b)`` not ``a % b``."""
    def unqualified(n: exp.Expr) -> exp.Expr:
        if isinstance(n, exp.Column) and n.table:
            return exp.column(n.name, quoted=n.this.quoted if isinstance(n.this, exp.Identifier) else False)
        return n

    def mod_call(n: exp.Expr) -> exp.Expr:
        return exp.Anonymous(this="MOD", expressions=[n.this, n.expression]) if isinstance(n, exp.Mod) else n

    bare = node.copy().transform(unqualified).transform(mod_call)
    return bare.sql(dialect=dialect, comments=False)  # type: ignore[arg-type]


def _owner(node: exp.Expr) -> exp.Select | None:
    parent = node.parent
    while parent is not None and not isinstance(parent, exp.Select):
        parent = parent.parent
    return parent


def _conjuncts(cond: exp.Expr | None) -> list[exp.Expr]:
    if cond is None:
        return []
    if isinstance(cond, exp.And):
        return _conjuncts(cond.this) + _conjuncts(cond.expression)
    if isinstance(cond, exp.Paren):
        return _conjuncts(cond.this)
    return [cond]


def build_plan(stmt: object, catalog: Mapping[str, TableDef], *, engine: str,
               settings: Mapping[str, str] | None = None) -> PlannedStatement:
    """Plan one parsed statement (``core.sql.ParsedStatement``) under ``engine``'s rules."""
    from core.errors import SqlSyntaxError

    tree: exp.Expr = stmt.expression  # type: ignore[attr-defined]
    clauses = stmt.clauses  # type: ignore[attr-defined]
    builder = _Builder(catalog, rules_for(engine), stmt.dialect, clauses.window,  # type: ignore[attr-defined]
                       tuple(clauses.tvf_sources))
    builder.matches = [tuple(partition) for partition, _ in getattr(clauses, "match_recognize", [])]
    query = tree.expression if isinstance(tree, exp.Insert) else tree
    try:
        rel = builder.query(query, {})
    except RecursionError:
        raise SqlSyntaxError("this statement nests too deeply to plan; simplify it",
                             stmt.line, 1) from None  # type: ignore[attr-defined]
    sink = _sink_name(stmt)
    if sink:
        builder.add("sink", [rel], (), f"writes {sink}", table=sink)
    plan = Plan(engine, tuple(builder.ops), tuple(builder.exchanges))
    return PlannedStatement(plan, tuple(builder.stages), builder.atoms)


def _sink_name(stmt: object) -> str | None:
    tree = stmt.expression  # type: ignore[attr-defined]
    clauses = stmt.clauses  # type: ignore[attr-defined]
    if clauses.create is not None:
        return str(clauses.create.name)
    if isinstance(tree, exp.Insert):
        table = tree.this if isinstance(tree.this, exp.Table) else tree.this.find(exp.Table)
        return ".".join(p.name for p in table.parts) if table is not None else None
    return clauses.into
