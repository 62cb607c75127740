"""Replay a statement's plan stage by stage under its engine: records in and loads per exchange.

Every source is read once, batch by batch, into weighted distinct rows over the columns later
stages read (:mod:`core.simulation.stages.table`); then the operators run in plan order on those
rows (:mod:`core.simulation.stages.operators`) and every exchange routes its input:

* ``hash``: each distinct key (of the exchange's columns) goes to the engine's worker for it —
  :meth:`core.engines.base.Engine.workers`, once per distinct key, with the run's EngineSettings
  (Flink's max parallelism) — and carries its records;
* ``single``: every record to worker 0; ``rebalance``: round robin, one counter from worker 0;
* ``broadcast``: every worker receives every record, so ``records_in`` is W × the records sent
  (``sent`` in the output keeps the count before copying); loads still sum to ``records_in``.

The replay runs in the calling process (after the strategy comparison, inline or not): its result
depends on the seed and the options only, never on ``--processes``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.engines import EngineSettings, get_engine
from core.errors import InvalidConfigError
from core.model.catalog import TableDef
from core.model.plan import Exchange, Operator, Plan
from core.model.profile import QueryProfile
from core.simulation.metrics import skew_metrics
from core.simulation.stages.columns import SourceColumns, table_name
from core.simulation.stages.operators import SLOT, aggregate_rows, join_rows, limit_rows
from core.simulation.stages.sources import TRACE_ID_BASE, Domains, ReplaySource
from core.simulation.stages.table import Rows
from core.workload.batch import Batch

__all__ = ["Stage", "StageReplay", "RowsReader", "replay_plan", "window_slots"]

_MERGE_EVERY = 16  # batches read before their distinct rows are merged (bounds memory by distinct rows)


@dataclass(frozen=True)
class Stage:
    """One exchange of the plan: what crossed it and where it went."""

    from_: int
    to: int
    kind: str
    keys: tuple[str, ...]
    operator: str
    strategy: str
    records_in: int
    sent: int
    loads: tuple[int, ...]
    distinct_keys: int
    records_out: int
    skew: Mapping[str, float]
    note: str | None = None

    @property
    def max_mean(self) -> float:
        return float(self.skew["max_mean"])

    def to_dict(self) -> dict[str, Any]:
        def clean(v: float) -> float | None:
            return None if v != v or v in (float("inf"), float("-inf")) else float(v)

        return {"to": self.to, "kind": self.kind, "keys": list(self.keys), "records_in": self.records_in,
                "loads": list(self.loads), "max_mean": clean(self.max_mean), "from": self.from_,
                "operator": self.operator, "strategy": self.strategy, "sent": self.sent,
                "distinct_keys": self.distinct_keys, "records_out": self.records_out,
                "cv": clean(self.skew["cv"]), "gini": clean(self.skew["gini"]),
                "imbalance_ratio": clean(self.skew["imbalance_ratio"]), "note": self.note}


@dataclass(frozen=True)
class StageReplay:
    stages: tuple[Stage, ...]
    source_records: Mapping[str, int]
    warnings: tuple[str, ...] = ()
    outputs: Mapping[int, int] = field(default_factory=dict)  # op id → records it emitted


def window_slots(profile: QueryProfile) -> tuple[int, int]:
    """(slot length in ms, windows covering one slot) of a tumbling/hopping window, else (0, 1)."""
    w = profile.window
    if w is None or w.kind == "session":
        return 0, 1
    size = int(w.size_ms or w.advance_ms or 60_000)
    advance = int(w.advance_ms or size) if w.kind == "hopping" else size
    if size % advance:
        advance = int(np.gcd(size, advance))
    return advance, max(1, min(size // advance, 256))


class RowsReader:
    """Accumulates one source's batches into distinct rows (merged every few batches)."""

    def __init__(self, columns: tuple[str, ...], slot_ms: int) -> None:
        self.names = [*columns, *([SLOT] if slot_ms else [])]
        self.slot_ms = slot_ms
        self.parts: list[Rows] = []
        self.merged = Rows.empty(self.names)

    def slot(self, batch: Batch) -> np.ndarray | None:
        if not self.slot_ms:
            return None
        return np.floor_divide(np.asarray(batch.event_time, np.int64), self.slot_ms)

    def add(self, batch: Batch, ids: Mapping[str, np.ndarray], slot: np.ndarray | None) -> None:
        cols = dict(ids)
        if slot is not None:
            cols[SLOT] = slot
        self.parts.append(Rows(cols, np.ones(len(batch), np.int64)).project(self.names))
        if len(self.parts) >= _MERGE_EVERY:
            self.merged = Rows.concat([self.merged, *self.parts])
            self.parts = []

    def rows(self) -> Rows:
        return Rows.concat([self.merged, *self.parts]) if self.parts else self.merged


class _Replay:
    def __init__(self, plan: Plan, profile: QueryProfile, cols: SourceColumns,
                 keys: Mapping[int, tuple[str, ...]],
                 joins: Mapping[int, tuple[tuple[str, ...], tuple[str, ...]]], domains: Domains,
                 catalog: Mapping[str, TableDef], engine: str, settings: EngineSettings, workers: int,
                 traced: frozenset[str]) -> None:
        self.plan, self.profile, self.cols, self.keys, self.joins = plan, profile, cols, keys, joins
        self.domains, self.catalog, self.traced = domains, catalog, traced
        self.engine, self.settings, self.workers = get_engine(engine), settings, workers
        self.slot_ms, self.per_slot = window_slots(profile)
        self.warnings: list[str] = []

    # --- exchanges ------------------------------------------------------------------------
    def route(self, ex: Exchange, rows: Rows) -> tuple[np.ndarray, int, int, str | None]:
        """(loads, records_in, distinct keys, note) of ``rows`` crossing ``ex``."""
        w, n = self.workers, rows.total
        if ex.kind == "single":
            loads = np.zeros(w, np.int64)
            loads[0] = n
            return loads, n, 1 if n else 0, None
        if ex.kind == "rebalance":
            return np.array([n // w + (i < n % w) for i in range(w)], np.int64), n, len(rows), None
        if ex.kind == "broadcast":
            return np.full(w, n, np.int64), n * w, len(rows), f"broadcast: each of {w} workers gets all {n:,}"
        if ex.kind == "forward":
            raise InvalidConfigError("a forward edge is not an exchange; the plan should not list it")
        cols = [c for c in self.keys.get(id(ex), ()) if c in rows.columns]
        note = None
        if len(cols) < len(self.keys.get(id(ex), ())) or not cols:
            cols = cols or [c for c in rows.names if c != SLOT]
            note = (f"key {', '.join(ex.keys)} is not a column of this stage's input (computed upstream, "
                    "or missing from a trace); routed by "
                    f"{', '.join(c.split('.', 1)[-1] for c in cols) or 'nothing (one place)'}")
        if not cols:
            loads = np.zeros(w, np.int64)
            loads[0] = n
            return loads, n, 1 if n else 0, note
        keyed = rows.project(cols)
        workers = self._workers(keyed, cols)
        loads = np.zeros(w, np.int64)
        np.add.at(loads, workers, keyed.weights)
        return loads, n, len(keyed), note

    def _workers(self, keyed: Rows, cols: list[str]) -> np.ndarray:
        values, types = [], []
        for c in cols:
            ids = keyed.columns[c]
            values.append(self.domains.display(self.cols.domain(c), ids))
            types.append(self._type(c, ids))
        workers = self.engine.workers(values, types, self.workers, self.settings, from_text=True)
        return workers.astype(np.int64)

    def _type(self, column: str, ids: np.ndarray) -> str:
        """Synthetic keys are text (STRING); a traced column takes its catalog type when declared."""
        table, _, name = column.partition(".")
        if table not in self.traced or not len(ids) or int(ids.min()) < TRACE_ID_BASE:
            return "STRING"
        declared = self.catalog.get(table_name(table))
        t = declared.column_type(name) if declared is not None else None
        return t or "STRING"

    # --- operators ------------------------------------------------------------------------
    def run(self, inputs: Mapping[int, Rows]) -> tuple[list[Stage], dict[int, int]]:
        out: dict[int, Rows] = dict(inputs)
        stages: dict[int, Stage] = {}
        pending: dict[int, tuple[Exchange, np.ndarray, int, int, int, str | None]] = {}
        for op in self.plan.operators:
            if op.kind == "source":
                continue
            ins = [out[i] for i in op.inputs]
            for ex in self.plan.exchanges:
                if ex.to == op.id and ex.from_ in op.inputs:
                    loads, records_in, distinct, note = self.route(ex, out[ex.from_])
                    pending[id(ex)] = (ex, loads, records_in, out[ex.from_].total, distinct, note)
            out[op.id] = self.operator(op, ins)
            for key, (ex, loads, records_in, sent, distinct, note) in list(pending.items()):
                if ex.to == op.id:
                    stages[key] = Stage(ex.from_, ex.to, ex.kind, ex.keys, op.kind, ex.strategy, records_in,
                                        sent, tuple(int(x) for x in loads), distinct, out[op.id].total,
                                        skew_metrics([int(x) for x in loads]), note)
                    del pending[key]
        ordered = [stages[id(ex)] for ex in self.plan.exchanges if id(ex) in stages]
        return ordered, {i: r.total for i, r in out.items()}

    def operator(self, op: Operator, ins: list[Rows]) -> Rows:
        if op.kind == "join" and len(ins) == 2:
            pair = self.joins.get(op.id)
            if pair is None:
                raise InvalidConfigError(
                    f"statement {self.profile.index}: the {op.detail} has no equi-join key the replay can "
                    "match both inputs on (no declared or generated key domain); join on an equality "
                    "(ON a.k = b.k) or simulate a statement without this join")
            versioned = (self._versioned(op.inputs[0], pair[0]), self._versioned(op.inputs[1], pair[1]))
            later = self._needed_after(op.id)
            # Only the columns later stages read cross the join: fewer distinct pairs to expand.
            left, right = (rows.project([c for c in rows.names if c in later or c in keys])
                           for rows, keys in ((ins[0], pair[0]), (ins[1], pair[1])))
            return join_rows(left, right, pair[0], pair[1], op.detail, versioned)
        if op.kind == "aggregate":
            groups = self._groups(op)
            windowed = "window" in op.detail.split("aggregate")[0]
            final = windowed and self.profile.emit != "changes" and SLOT in ins[0].columns
            return aggregate_rows(ins[0], groups, final=final, windows_per_slot=self.per_slot)
        if op.kind in ("distinct", "union"):
            keys = self._groups(op) or [c for c in ins[0].names if c != SLOT]
            return ins[0].distinct([*keys, *([SLOT] if SLOT in ins[0].columns else [])])
        if op.kind in ("limit", "sort_limit"):
            return limit_rows(ins[0], self.profile.limit)
        if op.kind == "union_all" or len(ins) > 1:
            return Rows.concat(ins)
        return ins[0] if ins else Rows.empty(())

    def _needed_after(self, op_id: int) -> set[str]:
        """Columns any stage after ``op_id`` reads (exchange keys, join keys, group keys), and the slot."""
        needed = {SLOT}
        for ex in self.plan.exchanges:
            if ex.from_ >= op_id:
                needed.update(self.keys.get(id(ex), ()))
        for join_id, (lcols, rcols) in self.joins.items():
            if join_id > op_id:
                needed.update((*lcols, *rcols))
        for op in self.plan.operators:
            if op.id > op_id and op.kind in ("aggregate", "distinct", "union"):
                needed.update(self._groups(op))
        return needed

    def _versioned(self, input_op: int, columns: tuple[str, ...]) -> bool:
        """True when a join input is a source table whose primary key is among the join columns."""
        op = self.plan.operator(input_op)
        if op.kind != "source":
            return False
        table = self.catalog.get(table_name(self.cols.names[op.id]))
        if table is None or not table.primary_key:
            return False
        joined = {c.split(".", 1)[-1] for c in columns}
        return all(k.lower() in joined for k in table.primary_key)

    def _groups(self, op: Operator) -> list[str]:
        for ex in self.plan.exchanges:
            if ex.to == op.id and ex.kind == "hash":
                return list(self.keys.get(id(ex), ()))
        from core.simulation.stages.columns import _Resolver  # resolution without an exchange

        res = _Resolver(self.plan, self.catalog, self.profile.sql)
        return [c for k in op.keys for c in res.resolve(k, op.inputs[0] if op.inputs else op.id)]


def replay_plan(plan: Plan, profile: QueryProfile, cols: SourceColumns, keys: Mapping[int, tuple[str, ...]],
                joins: Mapping[int, tuple[tuple[str, ...], tuple[str, ...]]], sources: list[ReplaySource],
                domains: Domains, catalog: Mapping[str, TableDef], *, engine: str, settings: EngineSettings,
                workers: int, inputs: Mapping[int, Rows] | None = None) -> StageReplay:
    """Replay every exchange of ``plan`` over ``sources`` (one per source operator); ``inputs``: the
    sources' rows when the caller read them already (:class:`RowsReader`)."""
    replay = _Replay(plan, profile, cols, keys, joins, domains, catalog, engine, settings, workers,
                     frozenset(s.name.lower() for s in sources if s.kind == "trace"))
    if inputs is None:
        readers = {s.op: RowsReader(s.columns, replay.slot_ms) for s in sources}
        for s in sources:
            for batch, ids in s.read():
                readers[s.op].add(batch, ids, readers[s.op].slot(batch))
        inputs = {op: r.rows() for op, r in readers.items()}
    stages, outputs = replay.run(inputs)
    return StageReplay(tuple(stages), {s.name: s.records for s in sources},
                       tuple(dict.fromkeys([*cols.notes, *replay.warnings])), outputs)
