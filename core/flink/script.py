"""Split a Flink SQL script and make its tables runnable here.

Flink on this machine can run ``datagen``, ``filesystem``, ``blackhole`` and ``print`` tables; any
other connector (Kafka with no broker, JDBC, ...) is replaced by ``datagen`` with the same columns,
primary key and watermark, and the change is reported per table. Metadata columns
(``ts TIMESTAMP(3) METADATA FROM 'timestamp'``) become plain columns, because datagen has no metadata;
computed columns are kept (datagen evaluates them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.flink.plan_text import split_top_level

__all__ = ["ScriptStatement", "Substitution", "split_script", "runnable_ddl", "rebuild_table", "connector_of",
           "table_name", "insert_parts", "sink_tables", "RUNNABLE_CONNECTORS"]

RUNNABLE_CONNECTORS = frozenset({"datagen", "filesystem", "blackhole", "print"})
_EXECUTE_WORDS = frozenset({"CREATE", "DROP", "ALTER", "USE", "SET", "RESET", "LOAD", "UNLOAD"})
_QUERY_WORDS = frozenset({"SELECT", "WITH", "INSERT", "VALUES", "TABLE", "EXECUTE"})


@dataclass(frozen=True)
class ScriptStatement:
    """One statement of the script: its 0-based position, text and role (``ddl`` or ``query``)."""

    index: int
    text: str
    role: str  # "ddl" (executed) | "query" (explained)


@dataclass(frozen=True)
class Substitution:
    """A table whose connector was replaced so Flink can run it here."""

    table: str
    original: str  # the connector it declared ('' when none)
    replacement: str
    dropped_metadata: tuple[str, ...] = ()

    def describe(self) -> str:
        was = f"'{self.original}'" if self.original else "no connector"
        text = f"table {self.table}: {was} replaced by '{self.replacement}' (same columns, key and watermark)"
        if self.dropped_metadata:
            text += f"; metadata columns {', '.join(self.dropped_metadata)} became plain columns"
        return text


def _strip_comments(sql: str) -> str:
    out, i, quote = [], 0, ""
    while i < len(sql):
        ch = sql[i]
        if quote:
            out.append(ch)
            if ch == quote:
                quote = ""
        elif ch in "'`\"":
            quote = ch
            out.append(ch)
        elif sql.startswith("--", i):
            while i < len(sql) and sql[i] != "\n":
                i += 1
            continue
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            i = len(sql) if end < 0 else end + 2
            out.append(" ")
            continue
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def split_script(sql: str) -> list[ScriptStatement]:
    """The script's statements (comments removed), split on ``;`` outside quotes."""
    text = _strip_comments(sql)
    parts, start, quote = [], 0, ""
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'`\"":
            quote = ch
        elif ch == ";":
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    out: list[ScriptStatement] = []
    for part in (p.strip() for p in parts):
        if not part:
            continue
        word = part.split(None, 1)[0].upper()
        role = "ddl" if word in _EXECUTE_WORDS else "query" if word in _QUERY_WORDS else "query"
        out.append(ScriptStatement(len(out), part, role))
    return out


_CREATE = re.compile(r"^\s*CREATE\s+(?:TEMPORARY\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?P<name>[\w.`]+)\s*\(",
                     re.I)
_OPTION = re.compile(r"'((?:[^']|'')*)'\s*=\s*'((?:[^']|'')*)'")
_METADATA = re.compile(r"\s+METADATA(?:\s+FROM\s+'[^']*')?(?:\s+VIRTUAL)?\s*$", re.I)


def _matching_paren(text: str, open_at: int) -> int:
    depth, quote = 0, ""
    for i in range(open_at, len(text)):
        ch = text[i]
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'`":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def table_name(statement: str) -> str | None:
    """The table a ``CREATE TABLE name (...)`` defines, unquoted and lower-case; None otherwise."""
    match = _CREATE.match(statement)
    return match.group("name").replace("`", "").split(".")[-1].lower() if match else None


def rebuild_table(statement: str, with_clause: str) -> tuple[str, tuple[str, ...]] | None:
    """The ``CREATE TABLE`` with its WITH clause replaced by ``with_clause`` and metadata columns made
    plain, plus the names of those columns; None when ``statement`` is not a plain CREATE TABLE."""
    match = _CREATE.match(statement)
    if not match:
        return None
    open_at = match.end() - 1
    close_at = _matching_paren(statement, open_at)
    if close_at < 0 or re.search(r"\bLIKE\b|\bAS\s+SELECT\b", statement[close_at + 1:], re.I):
        return None
    columns, dropped = [], []
    for item in split_top_level(statement[open_at + 1:close_at]):
        if _METADATA.search(item):
            dropped.append(item.split(None, 1)[0].strip("`"))
            item = _METADATA.sub("", item)
        columns.append(item)
    body = ",\n  ".join(columns)
    return f"{statement[:open_at].rstrip()} (\n  {body}\n) {with_clause}", tuple(dropped)


def connector_of(statement: str) -> str:
    """The lower-case ``'connector'`` option of a CREATE TABLE ('' when none is given)."""
    match = _CREATE.match(statement)
    if not match:
        return ""
    close_at = _matching_paren(statement, match.end() - 1)
    options = dict(_OPTION.findall(statement[close_at + 1:])) if close_at > 0 else {}
    return options.get("connector", "").lower()


def runnable_ddl(statement: str, *, sink: bool = False) -> tuple[str, Substitution | None]:
    """``statement`` itself when Flink can run it here, else the same table on datagen (blackhole for a
    sink) and what was replaced. ``CREATE TABLE ... AS`` and ``LIKE`` forms are returned unchanged."""
    connector = connector_of(statement)
    if connector in RUNNABLE_CONNECTORS:
        return statement, None
    replacement = "blackhole" if sink else "datagen"
    rebuilt = rebuild_table(statement, f"WITH ('connector' = '{replacement}')")
    if rebuilt is None:
        return statement, None
    match = _CREATE.match(statement)
    name = match.group("name").replace("`", "") if match else "?"
    return rebuilt[0], Substitution(name, connector, replacement, rebuilt[1])


_INSERT = re.compile(r"^\s*INSERT\s+(?:INTO|OVERWRITE)\s+(?P<sink>[\w.`]+)\s*(?P<cols>\([^)]*\))?"
                     r"\s*(?P<query>.*)$", re.I | re.S)


def insert_parts(statement: str) -> tuple[str, tuple[str, ...], str] | None:
    """``(sink, column list, query)`` of an ``INSERT INTO sink [(cols)] query``; None for other statements."""
    match = _INSERT.match(statement)
    if not match:
        return None
    listed = (match.group("cols") or "").strip("()").split(",")
    cols = tuple(c.strip().strip("`") for c in listed if c.strip())
    return match.group("sink").replace("`", ""), cols, match.group("query")


def sink_tables(statements: list[ScriptStatement]) -> set[str]:
    """Lower-case names of tables the script writes with INSERT."""
    out = set()
    for st in statements:
        parts = insert_parts(st.text)
        if parts:
            out.add(parts[0].split(".")[-1].lower())
    return out
