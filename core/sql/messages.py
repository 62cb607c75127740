"""sqlglot's parse errors rephrased for SQL users, positioned where the offending token starts."""

from __future__ import annotations

import re

from sqlglot.errors import ParseError
from sqlglot.tokens import Token

from core.errors import SqlSyntaxError
from core.sql.text import SourceText

__all__ = ["from_parse_error"]

_TOKEN_REPR = re.compile(
    r"<Token token_type: [\w.]+, text: (.*?), line: \d+, col: \d+, start: \d+, end: \d+, comments: \[.*?\]>"
)
_REQUIRED = re.compile(r"Required keyword: '(\w+)' missing for <class '[\w.]+\.(\w+)'>")


def _offending(err: dict[str, object], tokens: list[Token]) -> Token | None:
    """The token sqlglot blames: it reports the line and the column where that token ends."""
    line, col = err.get("line"), err.get("col")
    for tok in tokens:
        if tok.line == line and tok.col == col:
            return tok
    return None


def _hint(highlight: str) -> str:
    """A likely fix when a streaming keyword lost its leading keyword."""
    word = highlight.upper()
    if word in {"TUMBLING", "SLIDING", "HOPPING", "SESSION"}:
        return f"; did you mean WINDOW {word}(...)?"
    if word in {"CHANGES", "FINAL"}:
        return f"; did you mean EMIT {word}?"
    return ""


def _phrase(description: str, highlight: str) -> str:
    if description.startswith("Invalid expression / Unexpected token"):
        return f"unexpected text '{highlight}' after the end of the statement{_hint(highlight)}"
    if "does not support CTE" in description:
        return f"a WITH clause must be followed by SELECT or INSERT, not '{highlight}'"
    match = _REQUIRED.search(description)
    if match:
        return f"the statement is incomplete near '{highlight}': something is missing there"
    text = _TOKEN_REPR.sub(lambda m: f"'{m.group(1)}'", description)
    text = text.replace("Expecting ", "expected ").replace("Expected ", "expected ")
    if text.endswith("but got"):
        text += f" '{highlight}'"
    return text[:1].lower() + text[1:]


def from_parse_error(error: ParseError, tokens: list[Token], source: SourceText) -> SqlSyntaxError:
    """The first sqlglot error as a :class:`SqlSyntaxError` at the start of the offending token."""
    err = error.errors[0] if error.errors else {}
    description = str(err.get("description") or error)
    highlight = str(err.get("highlight") or "")
    tok = _offending(err, tokens)
    if tok is not None:
        offset, length = tok.start, len(tok.text)
    elif tokens:
        offset, length = tokens[-1].end + 1, 1  # reported past the last token: the statement ended early
    else:
        offset, length = 0, 1
    return source.error(_phrase(description, highlight or (tok.text if tok else "")), offset, length)
