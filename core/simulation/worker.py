"""The stateful operator one worker runs: the query's stateful part over the worker's share.

Like the engine's per-partition engine, each worker owns its state and nothing merges across
workers. A worker receives whole columnar shares (:class:`Chunk`, cut by its host from the
coordinator's chunk, with only the columns :func:`needed_fields` lists); the operator keeps
GROUP BY aggregates (optionally per tumbling/hopping/session window), DISTINCT rows, analytic
``PARTITION BY`` state or each partition's top N rows, plus per-(source partition, key) order
checks, busy time and state size.
This module must stay importable without streamlit: worker processes import it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from core.simulation.dense import DenseTable, dense_capable
from core.simulation.state import Columns, PartialTable, Reducer, SessionTable, TopNTable

__all__ = ["OperatorKind", "OperatorSpec", "Chunk", "WorkerOutput", "Operator", "SUPPORTED_AGGREGATES",
           "CHUNK_FIELDS", "needed_fields"]

OperatorKind = Literal["aggregate", "window", "session", "distinct", "analytic", "top_n", "stateless"]
SUPPORTED_AGGREGATES = ("COUNT", "SUM", "AVG", "MIN", "MAX")


@dataclass(frozen=True)
class OperatorSpec:
    """What every worker computes; plain data so it pickles into worker processes.

    ``aggregates`` are ``(FUNCTION, value column index or None)``: the index points into the
    chunk's ``values``. Windows: ``size_ms``/``advance_ms`` (tumbling when equal), ``gap_ms``
    (session). ``max_windows`` caps how many hopping windows one record joins. ``top_n`` rows per
    partition are kept by the Top-N operator, ranked by value column ``rank_value`` (None: by arrival),
    best first when ``descending``; a ``size_ms`` there partitions by tumbling window as well.
    """

    kind: OperatorKind
    aggregates: tuple[tuple[str, int | None], ...] = ()
    size_ms: int = 0
    advance_ms: int = 0
    gap_ms: int = 0
    max_windows: int = 256
    last_value: int | None = None  # analytic: value column whose latest value is kept
    top_n: int = 0
    descending: bool = False
    rank_value: int | None = None
    # Per-(source partition, key) order checks. Off when the result cannot depend on arrival order:
    # they cost a table as large as the number of (key, partition) streams.
    track_order: bool = True


CHUNK_FIELDS = frozenset(("key", "stream", "time", "offset", "seq", "values"))
_EMPTY = np.empty(0, dtype=np.int64)


def needed_fields(spec: OperatorSpec) -> frozenset[str]:
    """The chunk columns an operator of ``spec`` reads: the others need not be encoded or shipped."""
    fields = {"key"}
    if spec.track_order:
        fields |= {"stream", "seq", "offset"}
    if spec.kind in ("window", "session"):
        fields.add("time")
    if spec.kind in ("session", "analytic", "top_n"):
        fields.add("seq")  # session bounds and the analytic "last" follow arrival order
    if spec.kind == "analytic":
        fields.add("offset" if spec.last_value is None else "values")
    if spec.kind in ("aggregate", "window", "session") and any(c is not None for _, c in spec.aggregates):
        fields.add("values")
    if spec.kind == "top_n":
        fields |= {"values"} if spec.rank_value is not None else set()
        fields |= {"time"} if spec.size_ms else set()
    return frozenset(fields)


@dataclass(frozen=True)
class Chunk:
    """Columnar records: state key id, order stream id, event time, offset, arrival seq, values."""

    key: np.ndarray
    stream: np.ndarray
    time: np.ndarray
    offset: np.ndarray
    seq: np.ndarray
    values: tuple[np.ndarray, ...] = ()

    def __len__(self) -> int:
        return int(self.key.shape[0])

    def take(self, index: np.ndarray, fields: frozenset[str] = CHUNK_FIELDS) -> Chunk:
        """The records at ``index``; columns not in ``fields`` are left out (empty), not gathered."""
        return Chunk(self.key[index],
                     self.stream[index] if "stream" in fields else _EMPTY,
                     self.time[index] if "time" in fields else _EMPTY,
                     self.offset[index] if "offset" in fields else _EMPTY,
                     self.seq[index] if "seq" in fields else _EMPTY,
                     tuple(v[index] for v in self.values) if "values" in fields else ())


@dataclass
class WorkerOutput:
    """What one worker emits at the end: its result rows, its order streams and its counters."""

    table: Columns
    streams: Columns
    rows: int = 0
    busy_s: float = 0.0
    state_entries: int = 0
    extra: dict[str, int] = field(default_factory=dict)


def _value_reducers(spec: OperatorSpec) -> dict[str, Reducer]:
    reducers: dict[str, Reducer] = {"n": "sum"}
    for func, col in spec.aggregates:
        if col is None:
            continue
        reducers[f"k{col}"] = "sum"  # non-null count: COUNT(col) and the AVG divisor
        if func in ("SUM", "AVG"):
            reducers[f"s{col}"] = "sum"
        elif func == "MIN":
            reducers[f"lo{col}"] = "min"
        elif func == "MAX":
            reducers[f"hi{col}"] = "max"
    return reducers


def _value_rows(chunk: Chunk, parts: tuple[tuple[str, str, int], ...]) -> Columns:
    """Per-record inputs of the reducers; ``parts`` are (name, kind prefix, value column) triples."""
    ones = np.ones(len(chunk), dtype=np.int64)
    rows: Columns = {"n": ones}
    nulls: dict[int, bool] = {}
    for name, prefix, col in parts:
        v = chunk.values[col]
        if col not in nulls:
            nulls[col] = bool(np.isnan(v).any())
        if prefix == "k":
            # Without NULLs the non-null count is the row count: share the array, skip the mask.
            rows[name] = (~np.isnan(v)).astype(np.int64) if nulls[col] else ones
        elif prefix == "s":
            rows[name] = np.where(np.isnan(v), 0.0, v) if nulls[col] else v
        else:
            rows[name] = v.astype(np.float64, copy=False)
    return rows


def _value_parts(reducers: dict[str, Reducer]) -> tuple[tuple[str, str, int], ...]:
    """Reducer names such as ``s0`` split once into (name, ``s``, 0), not for every share."""
    parts = []
    for name in reducers:
        if name != "n":
            prefix = name.rstrip("0123456789")
            parts.append((name, prefix, int(name[len(prefix):])))
    return tuple(parts)


class Operator:
    """One logical worker's state; ``process`` takes whole shares, ``finish`` emits the result."""

    def __init__(self, spec: OperatorSpec) -> None:
        self.spec = spec
        self.rows = 0
        self.busy_s = 0.0
        self._reducers = _value_reducers(spec)
        self._parts = _value_parts(self._reducers)
        self._streams = PartialTable(("stream",), {"count": "sum", "off:first": "first",
                                                   "off:last": "last", "off": "descents"}) \
            if spec.track_order else None
        self._table: PartialTable | DenseTable | SessionTable | TopNTable | None
        if spec.kind in ("aggregate", "window"):
            keys = ("key", "window") if spec.kind == "window" else ("key",)
            self._table = _keyed(keys, self._reducers)
        elif spec.kind == "session":
            self._table = SessionTable(spec.gap_ms, self._reducers)
        elif spec.kind == "distinct":
            self._table = _keyed(("key",), {})
        elif spec.kind == "analytic":
            extra: dict[str, Reducer] = {"n": "sum", "last": "last"}
            self._table = PartialTable(("key",), extra)
        elif spec.kind == "top_n":
            self._table = TopNTable(spec.top_n, spec.descending)
        else:
            self._table = None

    def process(self, chunk: Chunk) -> None:
        started = time.perf_counter()
        n = len(chunk)
        if n:
            self.rows += n
            if self._streams is not None:
                self._streams.add({"stream": chunk.stream, "seq": chunk.seq, "count": np.ones(n, np.int64),
                                   "off:first": chunk.offset, "off:last": chunk.offset,
                                   "off": np.zeros(n, np.int64)})
            if self._table is not None:
                self._table.add(self._rows(chunk))
        self.busy_s += time.perf_counter() - started

    def compact(self) -> None:
        """Reduce pending rows now (the host calls this when all its workers hold too many)."""
        started = time.perf_counter()
        if self._streams is not None:
            self._streams.compact()
        if self._table is not None:
            self._table.compact()
        self.busy_s += time.perf_counter() - started

    def _rows(self, chunk: Chunk) -> Columns:
        spec = self.spec
        if spec.kind == "distinct":
            return {"key": chunk.key}
        if spec.kind == "top_n":
            n = len(chunk)
            score = (chunk.values[spec.rank_value] if spec.rank_value is not None
                     else chunk.seq.astype(np.float64))
            window = ((chunk.time // spec.size_ms) * spec.size_ms if spec.size_ms
                      else np.zeros(n, np.int64))
            return {"key": chunk.key, "window": window, "score": score, "seq": chunk.seq}
        if spec.kind == "analytic":
            last = chunk.offset if spec.last_value is None else chunk.values[spec.last_value]
            return {"key": chunk.key, "seq": chunk.seq, "n": np.ones(len(chunk), np.int64),
                    "last": last}
        # GROUP BY state is order-free (sums, minima, maxima): only sessions keep the arrival number.
        rows = {"key": chunk.key, **_value_rows(chunk, self._parts)}
        if spec.kind == "session":
            rows["seq"] = chunk.seq
            rows["start"] = chunk.time
            rows["end"] = chunk.time
            return rows
        if spec.kind == "window":
            return _windowed(rows, chunk.time, spec)
        return rows

    def finish(self) -> WorkerOutput:
        started = time.perf_counter()
        table = self._emit()
        streams = self._streams.result() if self._streams is not None else {}
        self.busy_s += time.perf_counter() - started
        entries = len(table["key"]) if self._table is not None else 0
        kept = {k: streams[k] for k in ("stream", "count", "off")} if streams else {}
        return WorkerOutput(table=table, streams=kept, rows=self.rows, busy_s=self.busy_s,
                            state_entries=entries)

    def _emit(self) -> Columns:
        """The emitted rows: ``key``, ``window`` (window or session start; 0 without) and values."""
        if self._table is None:
            return {"key": np.empty(0, np.int64), "window": np.empty(0, np.int64)}
        if isinstance(self._table, TopNTable):
            ranked = self._table.ranked()
            return {n: ranked[n] for n in ("key", "window", "rank", "seq", "score")}
        state = self._table.result()
        keys = state["key"]
        out: Columns = {"key": keys,
                        "window": state.get("window", state.get("start", np.zeros(len(keys), np.int64)))}
        if self.spec.kind == "distinct":
            return out
        if self.spec.kind == "analytic":
            out["count"] = state["n"]
            out["last"] = state["last"]
            return out
        if self.spec.kind == "session":
            out["end"] = state["end"]
        for i, (func, col) in enumerate(self.spec.aggregates):
            out[f"a{i}"] = _aggregate_value(func, col, state)
        if not self.spec.aggregates:
            out["count"] = state["n"]
        return out


def _keyed(keys: tuple[str, ...], reducers: dict[str, Reducer]) -> PartialTable | DenseTable:
    if not dense_capable(keys, reducers):
        return PartialTable(keys, reducers)
    return DenseTable(reducers, count="n" if "n" in reducers else None)  # "n" adds one per record


def _aggregate_value(func: str, col: int | None, state: Columns) -> np.ndarray:
    if col is None:
        return state["n"]  # COUNT(*) and anything without a numeric argument
    if func == "COUNT":
        return state[f"k{col}"]
    if func == "SUM":
        return state[f"s{col}"]
    if func == "AVG":
        count = state[f"k{col}"]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count > 0, state[f"s{col}"] / np.maximum(count, 1), np.nan)
    if func == "MIN":
        return state[f"lo{col}"]
    return state[f"hi{col}"]


def _windowed(rows: Columns, t: np.ndarray, spec: OperatorSpec) -> Columns:
    """Rows keyed by window start; a hopping window repeats each record once per window it joins."""
    size, advance = spec.size_ms, spec.advance_ms or spec.size_ms
    last_start = (t // advance) * advance  # floor division: windows align to the epoch
    copies = min(-(-size // advance), spec.max_windows)
    if copies <= 1:
        return {**rows, "window": last_start}
    starts = [last_start - j * advance for j in range(copies)]
    inside = [s + size > t for s in starts]
    out = {name: np.concatenate([col[m] for m in inside]) for name, col in rows.items()}
    out["window"] = np.concatenate([s[m] for s, m in zip(starts, inside, strict=True)])
    return out
