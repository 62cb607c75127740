"""Run a statement as a real Flink job over a trace and read each keyed vertex's per-subtask input.

The trace becomes a ``filesystem`` CSV source (``'source.monitor-interval' = '1 h'``, so the job keeps
running after the file is read and its metrics stay readable), the statement writes into a
``blackhole`` table, and the REST API gives ``numRecordsIn`` per subtask of every vertex fed by a HASH
exchange. Counts are taken once they are stable for three polls and the first keyed vertex has seen
every input row (or, for a statement that filters first, once they are stable for six polls). The job
is then cancelled and the JVM stopped, on every path.
"""

from __future__ import annotations

import contextlib
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import TraceError
from core.flink.errors import FlinkError, FlinkTimeoutError
from core.flink.explain import _blackhole_for
from core.flink.rest import FlinkRest, check_port_free, free_port, parse_host_port
from core.flink.runner import FlinkSession
from core.flink.script import insert_parts, rebuild_table, runnable_ddl, split_script, table_name

__all__ = ["Measured", "MeasuredStage", "measure_flink", "trace_table"]

_FLINK_TYPES = {"int64": "BIGINT", "int32": "INT", "int16": "SMALLINT", "int8": "TINYINT", "double": "DOUBLE",
                "float": "FLOAT", "bool": "BOOLEAN", "string": "STRING", "large_string": "STRING"}
_POLL_S = 0.5


@dataclass(frozen=True)
class MeasuredStage:
    vertex: str
    loads: tuple[int, ...]


@dataclass(frozen=True)
class Measured:
    engine: str
    stages: tuple[MeasuredStage, ...]
    job_id: str = ""
    wall_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"engine": self.engine, "stages": [{"vertex": s.vertex, "loads": list(s.loads)}
                                                  for s in self.stages]}


def _read_trace(path: str) -> Any:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    try:
        return pq.read_table(path) if path.endswith(".parquet") else pacsv.read_csv(path)
    except (OSError, ValueError) as exc:
        raise TraceError(f"cannot read trace {path}: {exc}") from exc


def _flink_type(arrow_type: Any) -> str:
    name = str(arrow_type)
    if name.startswith("timestamp"):
        return "TIMESTAMP(3)"
    if name in _FLINK_TYPES:
        return _FLINK_TYPES[name]
    raise TraceError(f"trace column type {name} has no Flink equivalent here; use numbers, strings, "
                     "booleans or timestamps")


def trace_table(sql: str, trace_path: str, directory: str) -> tuple[str, str, int]:
    """``(source DDL, table name, row count)``: the statement's one source table over a header-less
    CSV copy of the trace. A declared table keeps its columns, key and watermark; otherwise the
    trace's own columns and types are used."""
    import pyarrow.csv as pacsv

    data = _read_trace(trace_path)
    statements = split_script(sql)
    queries = [s for s in statements if s.role == "query"]
    if not queries:
        raise FlinkError("the file has no statement to measure (only DDL)")
    query = insert_parts(queries[-1].text)
    body = query[2] if query else queries[-1].text
    tables = source_tables(body)
    if len(tables) != 1:
        raise FlinkError(f"a measured run replays one trace into one source table; the statement reads "
                         f"{sorted(tables) or 'no table'} (measure a single-source statement)")
    name = tables.pop()
    declared = next((s.text for s in statements if s.role == "ddl" and table_name(s.text) == name), None)
    csv_path = str(Path(directory) / "trace.csv")
    with_clause = (f"WITH ('connector' = 'filesystem', 'path' = 'file://{csv_path}', 'format' = 'csv', "
                   f"'source.monitor-interval' = '1 h')")
    if declared is None:
        columns = ", ".join(f"`{f.name}` {_flink_type(f.type)}" for f in data.schema)
        ddl = f"CREATE TEMPORARY TABLE {name} ({columns}) {with_clause}"
        ordered = data
    else:
        rebuilt = rebuild_table(declared, with_clause)
        if rebuilt is None:
            raise FlinkError(f"table {name} is not a plain CREATE TABLE (LIKE / AS SELECT); "
                             "declare its columns")
        ddl = rebuilt[0]
        physical = _physical_columns(ddl)
        missing = [c for c in physical if c not in data.column_names]
        if missing:
            raise TraceError(f"trace {trace_path} lacks column(s) {missing} that table {name} declares; "
                             f"it has {data.column_names}")
        ordered = data.select(physical)
    pacsv.write_csv(ordered, csv_path, write_options=pacsv.WriteOptions(include_header=False))
    return ddl, name, ordered.num_rows


_FROM = re.compile(r"\b(?:FROM|JOIN)\s+(?:TABLE\s*\(\s*\w+\s*\(\s*TABLE\s+)?(?P<name>[\w.`]+)", re.I)
_CTE = re.compile(r"(?:\bWITH|,)\s*(?P<name>\w+)\s+AS\s*\(", re.I)


def source_tables(query: str) -> set[str]:
    """Lower-case names of the tables a query reads (FROM / JOIN / window TVF ``TABLE t``), CTEs excluded.

    A token scan rather than a parser: it must accept any Flink syntax the planner does."""
    ctes = {m.group("name").lower() for m in _CTE.finditer(query)}
    names = {m.group("name").replace("`", "").split(".")[-1].lower() for m in _FROM.finditer(query)}
    return {n for n in names if n not in ctes and n not in {"table", "lateral", "unnest"}}


def _physical_columns(ddl: str) -> list[str]:
    from core.flink.plan_text import split_top_level

    inner = ddl[ddl.index("(") + 1: ddl.rindex(")", 0, ddl.rindex("WITH ("))]
    out = []
    for item in split_top_level(inner):
        words = item.split()
        if not words or words[0].upper() in {"WATERMARK", "PRIMARY", "CONSTRAINT"}:
            continue
        if len(words) > 1 and words[1].upper() == "AS":
            continue  # a computed column: Flink evaluates it, the CSV does not carry it
        out.append(words[0].strip("`"))
    return out


def measure_flink(sql: str, trace_path: str, workers: int, *, rest: str | None = None,
                  timeout_s: float = 120, rest_port: int | None = None,
                  command: list[str] | None = None) -> Measured:
    """Per-subtask ``numRecordsIn`` of each keyed vertex when the file's last statement runs on Flink
    at parallelism ``workers`` over ``trace_path``. ``rest`` submits to an existing cluster (its REST
    HOST:PORT; the trace path must be readable by its task managers); otherwise a local mini-cluster
    serves REST on ``rest_port`` (default: a free port)."""
    if workers < 1:
        raise FlinkError(f"--workers must be at least 1, got {workers}")
    began = time.perf_counter()
    if rest:
        host, port = parse_host_port(rest)
        config = {"execution.target": "remote", "rest.address": host, "rest.port": str(port)}
    else:
        host, port = "127.0.0.1", rest_port or free_port()
        check_port_free(port)
        config = {"rest.address": host, "rest.bind-port": str(port), "rest.port": str(port),
                  "metrics.fetcher.update-interval": "500"}
    config["parallelism.default"] = str(workers)
    with tempfile.TemporaryDirectory(prefix="pl-flink-") as tmp:
        source_ddl, source, rows = trace_table(sql, trace_path, tmp)
        with FlinkSession(config=config, start_timeout_s=timeout_s, timeout_s=timeout_s,
                          command=command) as session:
            session.execute(source_ddl)
            insert = _insert_statement(sql, source, session)
            job_id = session.submit(insert)
            client = FlinkRest(host, port)
            try:
                stages = _poll(client, job_id, rows, began + timeout_s, timeout_s)
            finally:
                _cancel(session, client, job_id)
    return Measured("flink", stages, job_id, time.perf_counter() - began)


def _insert_statement(sql: str, source: str, session: FlinkSession) -> str:
    """Declare the other DDL (sinks become blackhole) and return an INSERT into a blackhole sink."""
    statements = split_script(sql)
    for st in statements:
        name = table_name(st.text)
        if st.role == "ddl" and name != source:
            session.execute(runnable_ddl(st.text, sink=True)[0] if name else st.text)
    last = [s for s in statements if s.role == "query"][-1].text
    parts = insert_parts(last)
    query = parts[2] if parts else last
    session.execute(_blackhole_for(session, "__pl_measure_sink", (), query))
    return f"INSERT INTO __pl_measure_sink {query}"


def _keyed_vertices(job: dict[str, Any]) -> list[tuple[str, str, int]]:
    nodes = (job.get("plan") or {}).get("nodes") or []
    keyed = {n["id"] for n in nodes if any(str(i.get("ship_strategy", "")).upper() == "HASH"
                                           for i in n.get("inputs", []) or [])}
    order = [n["id"] for n in reversed(nodes)]  # the plan lists sinks first; report sources first
    vertices = {v["id"]: v for v in job.get("vertices", [])}
    return [(vid, vertices[vid]["name"], int(vertices[vid]["parallelism"])) for vid in order
            if vid in keyed and vid in vertices]


def _poll(client: FlinkRest, job_id: str, rows: int, deadline: float, timeout_s: float
          ) -> tuple[MeasuredStage, ...]:
    history: list[tuple[tuple[int, ...], ...]] = []
    while True:
        if time.perf_counter() > deadline:
            raise FlinkTimeoutError(f"the Flink job's counts did not settle within {timeout_s:g} s "
                                    f"(last: {history[-1] if history else 'none'}); the job was cancelled")
        try:
            job = client.job(job_id)
        except FlinkError:
            time.sleep(_POLL_S)  # the REST server may still be starting
            continue
        state = str(job.get("state", ""))
        if state in {"FAILED", "CANCELED", "CANCELLING"}:
            reason = client.root_exception(job_id)
            detail = f": {reason.splitlines()[0]}" if reason else ""
            raise FlinkError(f"the Flink job {state.lower()}{detail}")
        keyed = _keyed_vertices(job)
        if not keyed:
            if job.get("plan") and state == "RUNNING":
                raise FlinkError("the statement has no keyed (HASH) exchange in Flink's job graph; "
                                 "nothing to measure per subtask")
            time.sleep(_POLL_S)
            continue
        snapshot = tuple(tuple(client.subtask_records_in(job_id, vid, p)) for vid, _, p in keyed)
        history.append(snapshot)
        stable = len(history) >= 3 and len(set(history[-3:])) == 1 and sum(snapshot[0]) > 0
        if stable and (sum(snapshot[0]) == rows or (len(history) >= 6 and len(set(history[-6:])) == 1)):
            return tuple(MeasuredStage(name, loads)
                         for (_, name, _), loads in zip(keyed, snapshot, strict=True))
        time.sleep(_POLL_S)


def _cancel(session: FlinkSession, client: FlinkRest, job_id: str, settle_s: float = 10.0) -> None:
    """Cancel the job through its client, then make sure over REST (a cancel the client reported can
    still show RUNNING on a loaded host): cancel it there too if so. The session's close stops the JVM."""
    with contextlib.suppress(FlinkError):
        session.cancel()
    deadline = time.monotonic() + settle_s
    asked_rest = False
    while time.monotonic() < deadline:
        try:
            state = str(client.job(job_id).get("state"))
        except FlinkError:
            return  # the mini-cluster is gone with its job
        if state != "RUNNING":
            return
        if not asked_rest:
            with contextlib.suppress(FlinkError):
                client.cancel(job_id)
            asked_rest = True
        time.sleep(0.2)
