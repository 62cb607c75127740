"""``read_script``: a whole file of DDL, ``SET`` lines and queries, each statement placed knowingly.

Query statements (SELECT, INSERT INTO ... SELECT, every dialect's CREATE ... AS SELECT, CREATE VIEW
and MATERIALIZED VIEW ... AS SELECT, CREATE SINK ... AS SELECT) become :class:`ParsedStatement`;
declarations (CREATE TABLE|STREAM|SOURCE|SINK without a query) become catalog entries
(:class:`core.model.catalog.TableDef`, see ``core/sql/ddl.py`` for the families and partitioner
rules); ``SET`` lines become settings; statements that are deliberately not analysed (CREATE
FUNCTION, USE, DROP, SHOW, ...) are listed in ``skipped``. Nothing is dropped silently: anything else
is a positioned :class:`core.errors.SqlSyntaxError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlglot.dialects.dialect import Dialect
from sqlglot.tokens import Token, TokenType

from core.model.catalog import TableDef
from core.sql.annotations import read_annotations
from core.sql.ddl import DDL_OBJECTS, DdlTable, read_ddl
from core.sql.ddl_facts import merge_like, table_def
from core.sql.dialects import resolve_dialect, tokenize
from core.sql.guard import guarded
from core.sql.parser import ParsedStatement, parse_one, split_statements
from core.sql.text import SourceText
from core.sql.tokens import slice_text, up

__all__ = ["Script", "Skipped", "read_script", "MAX_SQL_CHARS"]

# Larger scripts are refused before any work: analysis is linear, but a 1 MB statement takes ~10-20 s
# (sqlglot parsing plus tree walks, measured on 2 shared cores); real pipeline files stay < 100 KB.
MAX_SQL_CHARS = 500_000


@dataclass(frozen=True)
class Skipped:
    """A statement deliberately not analysed: where it is, how it starts, and why."""

    line: int
    col: int
    text_head: str
    why: str

    def to_dict(self) -> dict[str, object]:
        return {"line": self.line, "col": self.col, "text": self.text_head, "why": self.why}


@dataclass(frozen=True)
class Script:
    statements: tuple[ParsedStatement, ...]
    tables: tuple[TableDef, ...] = ()
    settings: dict[str, str] = field(default_factory=dict)
    skipped: tuple[Skipped, ...] = ()


# First words of statements that configure a session or manage objects: nothing to partition.
_SKIP_WORDS = {
    "USE": "USE only selects a catalog or database",
    "DROP": "DROP removes an object; nothing to partition",
    "SHOW": "SHOW lists objects; nothing to partition",
    "DESCRIBE": "DESCRIBE shows a schema; nothing to partition",
    "DESC": "DESC shows a schema; nothing to partition",
    "EXPLAIN": "EXPLAIN asks the engine for its plan; the statement inside is not analysed",
    "ADD": "ADD JAR|FILE loads code; nothing to partition",
    "REMOVE": "REMOVE JAR unloads code; nothing to partition",
    "RESET": "RESET clears settings",
    "ALTER": "ALTER changes an object's definition; not analysed",
    "LOAD": "LOAD MODULE loads functions; nothing to partition",
    "UNLOAD": "UNLOAD MODULE unloads functions; nothing to partition",
    "TRUNCATE": "TRUNCATE empties a table; nothing to partition",
    "GRANT": "GRANT manages permissions",
    "REVOKE": "REVOKE manages permissions",
    "COMMENT": "COMMENT ON documents an object",
    "ANALYZE": "ANALYZE collects statistics",
    "REFRESH": "REFRESH updates metadata",
    "PRINT": "PRINT shows a topic's records",
    "TERMINATE": "TERMINATE stops a query",
    "LIST": "LIST shows objects",
    "END": "END closes a statement set",
    "APPLY": "APPLY CHANGES (change-data capture into a table) is not analysed yet",
    "AUTO": "AUTO CDC (change-data capture into a table) is not analysed yet",
    "PAUSE": "PAUSE stops a query",
    "RESUME": "RESUME restarts a query",
    "FLUSH": "FLUSH waits for writes",
    "CALL": "CALL runs a procedure",
    "MERGE": "MERGE INTO (an upsert by key) is not analysed yet",
    "VACUUM": "VACUUM removes old files",
    "OPTIMIZE": "OPTIMIZE compacts files",
}
_SKIP_CREATE = {
    "FUNCTION",
    "CATALOG",
    "DATABASE",
    "SCHEMA",
    "CONNECTION",
    "SECRET",
    "INDEX",
    "TYPE",
    "USER",
    "CONNECTOR",
    "MODEL",
    "SYSTEM",
    "AGGREGATE",
    "ROLE",
    "VOLUME",
    "SUBSCRIPTION",
}
_CREATE_WORDS = {"OR", "REPLACE", "REFRESH", "TEMPORARY", "TEMP", "EXTERNAL", "STREAMING", "LIVE"}
_QUERY_AFTER_AS = {TokenType.SELECT, TokenType.WITH, TokenType.L_PAREN, TokenType.VALUES, TokenType.FROM}


def read_script(sql: str, dialect: str = "velostream") -> Script:
    """Read every ``;``-separated statement of ``sql``; raise SqlSyntaxError with the user's line/col."""
    with guarded(SourceText(sql[:1] or " ")):
        return _read(sql, dialect)


def _read(sql: str, dialect: str) -> Script:
    if len(sql) > MAX_SQL_CHARS:
        raise SourceText(sql[:1]).error(
            f"the SQL text has {len(sql):,} characters; Partition Lab reads at most {MAX_SQL_CHARS:,} "
            "characters: split the file or analyse one statement at a time",
            0,
        )
    if sql.startswith("\ufeff"):  # a UTF-8 byte-order mark is not SQL; editors do not count it
        sql = sql[1:]
    source = SourceText(sql)
    base = resolve_dialect(dialect)
    parts = split_statements(tokenize(base, source))
    if not parts:
        raise source.error("nothing to analyze: the input has no SQL statement", 0)
    lines = source.lines()
    parsed: list[ParsedStatement] = []
    ddl: dict[str, DdlTable] = {}
    tables: list[TableDef] = []
    settings: dict[str, str] = {}
    skipped: list[Skipped] = []
    previous_end_line = 1
    for toks in parts:
        toks = _strip_statement_set(_expand_execute(toks, source, base))
        if not toks:
            continue
        place, why = _classify(toks)
        if place == "skip":
            line, col = source.position(toks[0].start)
            head = " ".join(slice_text(source, toks[0], toks[min(len(toks), 6) - 1]).split())[:60]
            skipped.append(Skipped(line, col, head, why))
        elif place == "set":
            _read_set(toks, source, settings, skipped)
        elif place == "ddl":
            table = read_ddl(toks, source, dialect)
            base_table = ddl.get(table.like.lower()) if table.like else None
            merged = merge_like(table, base_table)
            ddl[merged.name.lower()] = merged
            entry = table_def(merged, toks, source)
            if table.like and base_table is None:
                entry = replace(entry, notes=(*entry.notes, f"LIKE {table.like}: not declared in this file"))
            tables.append(entry)
        else:
            stmt = parse_one(len(parsed), toks, source, base, dialect)
            values, where = read_annotations(lines, previous_end_line, stmt.line - 1)
            parsed.append(replace(stmt, annotations=values, annotation_lines=where))
            previous_end_line = source.line_of(stmt.end - 1)
    return Script(tuple(parsed), tuple(tables), settings, tuple(skipped))


def _expand_execute(toks: list[Token], source: SourceText, base: Dialect) -> list[Token]:
    """sqlglot reads ``EXECUTE ...`` as one command whose text is a single token; Flink's ``EXECUTE
    STATEMENT SET BEGIN INSERT ...`` and ``EXECUTE INSERT ...`` hold a query, so tokenize that text."""
    if len(toks) != 2 or up(toks[0]) != "EXECUTE" or toks[1].token_type != TokenType.STRING:
        return toks
    start = source.sql.find(toks[1].text, toks[0].end + 1)  # the command token's own offsets are not kept
    if start < 0:
        return toks
    inner = tokenize(base, SourceText(source.sql[start : start + len(toks[1].text)]))
    shifted = [
        Token(t.token_type, t.text, t.line, t.col, t.start + start, t.end + start, t.comments) for t in inner
    ]
    return [toks[0], *shifted]


def _strip_statement_set(toks: list[Token]) -> list[Token]:
    """Flink's ``EXECUTE STATEMENT SET BEGIN`` / ``BEGIN STATEMENT SET`` wrap INSERTs: read the INSERT."""
    words = [up(t) for t in toks[:4]]
    if words == ["EXECUTE", "STATEMENT", "SET", "BEGIN"]:
        return toks[4:]
    if words[:2] == ["EXECUTE", "INSERT"]:
        return toks[1:]
    if words[:3] == ["BEGIN", "STATEMENT", "SET"]:
        return toks[3:]
    return toks


def _classify(toks: list[Token]) -> tuple[str, str]:
    """("query"|"ddl"|"set"|"skip", why) for one statement's tokens."""
    first = up(toks[0])
    if first == "SET" or toks[0].token_type == TokenType.SET:
        return "set", ""
    if first in _SKIP_WORDS:
        return "skip", _SKIP_WORDS[first]
    if first != "CREATE":
        return "query", ""
    j = 1
    while up(toks[j] if j < len(toks) else None) in _CREATE_WORDS:
        j += 1
    word = up(toks[j]) if j < len(toks) else ""
    nxt = up(toks[j + 1]) if j + 1 < len(toks) else ""
    if (
        word in _SKIP_CREATE
        or (word == "SOURCE" and nxt == "CONNECTOR")
        or (word == "SINK" and nxt == "CONNECTOR")
    ):
        what = f"{word} {nxt}".strip() if nxt in {"CONNECTOR", "FUNCTION"} else word
        return "skip", f"CREATE {what} defines no data to partition"
    if word not in DDL_OBJECTS:
        return "query", ""  # CREATE VIEW / MATERIALIZED VIEW ... AS, or an error from the query reader
    return ("query", "") if _has_query(toks) else ("ddl", "")


def _has_query(toks: list[Token]) -> bool:
    """A top-level ``AS`` followed by a query: CREATE ... AS SELECT (``INCLUDE key AS k`` is not one)."""
    depth = 0
    for k, tok in enumerate(toks):
        kind = tok.token_type
        depth += (kind == TokenType.L_PAREN) - (kind == TokenType.R_PAREN)
        if (
            depth == 0
            and up(tok) == "AS"
            and (k + 1 == len(toks) or toks[k + 1].token_type in _QUERY_AFTER_AS)
        ):
            return True  # (a trailing AS is a query whose SELECT is missing: the query reader says so)
    return False


def _read_set(
    toks: list[Token], source: SourceText, settings: dict[str, str], skipped: list[Skipped]
) -> None:
    """``SET 'k' = 'v'``, ``SET k = v``, ``SET k TO v``; a bare ``SET`` / ``SET k`` only shows values."""
    eq = next((k for k, t in enumerate(toks) if t.token_type == TokenType.EQ or up(t) == "TO"), -1)
    if eq < 0:
        line, col = source.position(toks[0].start)
        head = " ".join(slice_text(source, toks[0], toks[-1]).split())[:60]
        skipped.append(Skipped(line, col, head, "SET without a value only shows settings"))
        return
    if eq == 1 or eq == len(toks) - 1:
        raise source.error(
            "SET needs a name and a value, e.g. SET 'parallelism.default' = '4'", toks[0].start, 3
        )
    key = _unquote(slice_text(source, toks[1], toks[eq - 1]))
    value = _unquote(slice_text(source, toks[eq + 1], toks[-1]))
    settings[key] = value


def _unquote(text: str) -> str:
    t = text.strip()
    if len(t) >= 2 and t[0] == t[-1] and t[0] in "'\"`":
        return t[1:-1]
    return t
