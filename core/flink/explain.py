"""Explain every query of a script with Flink's planner and read its exchanges.

DDL runs first (tables Flink cannot run here become datagen, see :mod:`core.flink.script`); each
query is then explained with ``explain_sql``. ``INSERT INTO t`` where ``t`` is not declared gets a
``blackhole`` table with the query's own columns, so the plan reads as it would with a real sink.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from core.flink.errors import FlinkRejectedError
from core.flink.plan_text import FlinkExchange, exchanges_of, optimized_section
from core.flink.runner import FlinkSession
from core.flink.script import (
    ScriptStatement,
    Substitution,
    insert_parts,
    runnable_ddl,
    sink_tables,
    split_script,
    table_name,
)
from core.flink.sources import InferredTable, infer_tables, inferred_ddl

__all__ = ["ExplainedStatement", "ScriptExplain", "explain_script"]

T = TypeVar("T")
_TIME_ATTRIBUTE = re.compile(r"\s*\*[A-Z]+\*")


@dataclass(frozen=True)
class ExplainedStatement:
    index: int  # position among the script's statements (DDL included), 0-based
    query_index: int  # position among the explained (query) statements, 0-based
    text: str
    exchanges: tuple[FlinkExchange, ...]
    plan: str  # Flink's optimized physical plan section, verbatim
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScriptExplain:
    flink_version: str
    statements: tuple[ExplainedStatement, ...]
    substitutions: tuple[Substitution, ...]
    timings: dict[str, float] = field(default_factory=dict)  # jvm_start_s, first_explain_s, later_explain_s
    inferred: tuple[InferredTable, ...] = ()  # tables read but never declared (datagen stand-ins)


def _blackhole_for(session: FlinkSession, sink: str, cols: tuple[str, ...], query: str) -> str:
    """A blackhole table named ``sink`` with the query's column types (names from ``cols`` if given)."""
    columns = session.columns(query)
    names = list(cols) if cols and len(cols) == len(columns) else [n for n, _ in columns]
    # Time attributes print as "TIMESTAMP(3) *ROWTIME*"; a sink column is a plain timestamp.
    types = [_TIME_ATTRIBUTE.sub("", t) for _, t in columns]
    defs = ", ".join(f"`{n}` {t}" for n, t in zip(names, types, strict=True))
    return f"CREATE TEMPORARY TABLE {sink} ({defs}) WITH ('connector' = 'blackhole')"


def explain_script(sql: str, session: FlinkSession) -> ScriptExplain:
    """Run the script's DDL in ``session`` and explain each query; Flink's rejections raise
    :class:`FlinkRejectedError` naming the statement."""
    statements = split_script(sql)
    sinks = sink_tables(statements)
    inferred = _undeclared_sources(statements)
    for table in inferred:
        _run(session.execute, inferred_ddl(table), statements[0])
    declared: set[str] = {t.name.lower() for t in inferred}
    substitutions: list[Substitution] = []
    explained: list[ExplainedStatement] = []
    explain_times: list[float] = []
    for st in statements:
        if st.role == "ddl":
            name = table_name(st.text)
            text, sub = runnable_ddl(st.text, sink=name in sinks)
            if sub:
                substitutions.append(sub)
            if name:
                declared.add(name)
            _run(session.execute, text, st)
            continue
        notes: list[str] = []
        parts = insert_parts(st.text)
        if parts and parts[0].split(".")[-1].lower() not in declared:
            sink, cols, query = parts
            ddl = _run(functools.partial(_blackhole_for, session, sink, cols), query, st)
            _run(session.execute, ddl, st)
            declared.add(sink.split(".")[-1].lower())
            notes.append(f"sink {sink} is not declared: explained into a blackhole table with the query's "
                         "columns")
        began = time.perf_counter()
        text = _run(session.explain, st.text, st)
        explain_times.append(time.perf_counter() - began)
        explained.append(ExplainedStatement(st.index, len(explained), st.text, tuple(exchanges_of(text)),
                                            optimized_section(text), tuple(notes)))
    timings = {"jvm_start_s": session.start_s}
    if explain_times:
        timings["first_explain_s"] = explain_times[0]
    if len(explain_times) > 1:
        timings["later_explain_s"] = sum(explain_times[1:]) / (len(explain_times) - 1)
    return ScriptExplain(session.version, tuple(explained), tuple(substitutions), timings, tuple(inferred))


_VIEW = re.compile(r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMPORARY\s+)?VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?"
                   r"(?P<name>[\w.`]+)", re.I)


def _undeclared_sources(statements: list[ScriptStatement]) -> list[InferredTable]:
    """Tables the queries read that no CREATE TABLE / VIEW of the script declares."""
    declared: set[str] = set()
    for st in statements:
        view = _VIEW.match(st.text)
        name = table_name(st.text) or (view.group("name").replace("`", "").split(".")[-1].lower()
                                       if view else None)
        if name:
            declared.add(name)
    queries = []
    for st in statements:
        if st.role == "query":
            parts = insert_parts(st.text)
            queries.append(parts[2] if parts else st.text)
        elif _VIEW.match(st.text):
            queries.append(re.split(r"\bAS\b", st.text, maxsplit=1, flags=re.I)[-1])  # the view's query
    return infer_tables(queries, declared)


def _run(fn: Callable[[str], T], arg: str, st: ScriptStatement) -> T:
    try:
        return fn(arg)
    except FlinkRejectedError as exc:
        first = " ".join(st.text.split())[:80]
        raise FlinkRejectedError(f"Flink rejected statement {st.index + 1} ({first}...): {exc}") from exc
