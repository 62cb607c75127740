"""SQL front end: streaming clauses lifted by a token pre-pass, the rest read by stock sqlglot.

``read_script(sql, dialect)`` reads a whole file: query statements (``Script.statements``), DDL
declarations into catalog entries (``Script.tables``, see ``core/sql/ddl.py``), ``SET`` lines
(``Script.settings``) and statements skipped knowingly (``Script.skipped``). ``parse_script`` returns
the query statements only (an error when there is none).

``parse_script(sql, dialect)`` tokenizes the script once, splits it on ``;`` tokens, lifts the
streaming clauses of each statement (Velostream ``WINDOW TUMBLING|SLIDING|SESSION(...)``, ``EMIT``,
``ROWS WINDOW BUFFER``, ``PRIMARY KEY``, ``WITHIN``, ``WITH (...)``, ``INTO``, ``CREATE STREAM|TABLE
... AS``; ksqlDB ``WINDOW HOPPING (SIZE ..., ADVANCE BY ...)`` and ``PARTITION BY``; Flink/RisingWave
window TVFs in FROM) and parses the remaining tokens with the stock sqlglot parser. Every failure is a
:class:`core.errors.SqlSyntaxError` whose line/col point into the user's text.
"""

from __future__ import annotations

from core.sql.annotations import read_annotations
from core.sql.clauses import CreateHeader, RowBuffer, Span, StreamingClauses, WindowSpec
from core.sql.dialects import STREAMING_DIALECTS, resolve_dialect, valid_dialects
from core.sql.durations import parse_duration, try_parse_duration
from core.sql.parser import ParsedStatement, parse_script
from core.sql.script import MAX_SQL_CHARS, Script, Skipped, read_script

__all__ = [
    "read_script",
    "Script",
    "Skipped",
    "MAX_SQL_CHARS",
    "parse_script",
    "ParsedStatement",
    "StreamingClauses",
    "WindowSpec",
    "CreateHeader",
    "RowBuffer",
    "Span",
    "parse_duration",
    "try_parse_duration",
    "read_annotations",
    "resolve_dialect",
    "valid_dialects",
    "STREAMING_DIALECTS",
]
