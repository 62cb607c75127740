"""Dialect names users pick, mapped to the stock sqlglot dialect that tokenizes and parses them."""

from __future__ import annotations

from sqlglot.dialects.dialect import Dialect, Dialects
from sqlglot.errors import TokenError
from sqlglot.tokens import Token

from core.errors import InvalidConfigError
from core.sql.text import SourceText

__all__ = ["STREAMING_DIALECTS", "valid_dialects", "resolve_dialect", "tokenize"]

# Streaming dialects have no sqlglot dialect of their own; the base is the one whose tokenizer reads
# their literals the same way (Velostream: "ident" and 1m as number+unit; ksqlDB and Flink: `ident`).
STREAMING_DIALECTS: dict[str, str] = {
    "velostream": "",
    "ksqldb": "spark",
    "ksql": "spark",
    "flink": "spark",
    "spark": "spark",
    "risingwave": "risingwave",
}


def valid_dialects() -> list[str]:
    stock = sorted(d.value for d in Dialects if d.value)
    return list(STREAMING_DIALECTS) + [d for d in stock if d not in STREAMING_DIALECTS]


def resolve_dialect(name: str) -> Dialect:
    """The stock sqlglot dialect used for ``name``; InvalidConfigError lists the valid names."""
    key = (name or "").strip().lower()
    base = STREAMING_DIALECTS.get(key, key)
    if key and key in STREAMING_DIALECTS or base in {d.value for d in Dialects}:
        return Dialect.get_or_raise(base)
    raise InvalidConfigError(f"unknown dialect {name!r}; expected one of: {', '.join(valid_dialects())}")


def tokenize(dialect: Dialect, source: SourceText) -> list[Token]:
    """Tokens of the whole script; a tokenizer failure becomes an error at the unclosed quote."""
    try:
        return list(dialect.tokenize(source.sql))
    except TokenError:
        offset, message = _find_unclosed(source.sql)
        raise source.error(message, offset) from None


def _find_unclosed(sql: str) -> tuple[int, str]:
    """Where a string, quoted name or block comment opens and never closes (the tokenizer won't say)."""
    i, n = 0, len(sql)
    closers = {"'": "'", '"': '"', "`": "`"}
    while i < n:
        ch = sql[i]
        if sql.startswith("--", i):
            nl = sql.find("\n", i)
            i = n if nl < 0 else nl + 1
        elif sql.startswith("/*", i):
            end = _comment_end(sql, i)
            if end < 0:
                return i, "unterminated comment: '/*' is never closed with '*/'"
            i = end
        elif ch in closers:
            end = _closing_quote(sql, i + 1, closers[ch])
            if end < 0:
                kind = "string" if ch == "'" else "quoted name"
                return i, f"unterminated {kind}: add the closing {ch}"
            i = end + 1
        else:
            i += 1
    last = len(sql.rstrip()) - 1
    return max(last, 0), "the SQL text cannot be read (check quotes and comments near the end)"


def _comment_end(sql: str, i: int) -> int:
    """Offset after the ``*/`` closing the comment at ``i``; sqlglot nests ``/* /* */ */`` comments."""
    depth, n = 0, len(sql)
    while i < n:
        if sql.startswith("/*", i):
            depth += 1
            i += 2
        elif sql.startswith("*/", i):
            depth -= 1
            i += 2
            if depth == 0:
                return i
        else:
            i += 1
    return -1


def _closing_quote(sql: str, i: int, quote: str) -> int:
    n = len(sql)
    while i < n:
        if sql[i] == "\\":
            i += 2
            continue
        if sql[i] == quote:
            # A doubled quote is an escaped quote inside the literal.
            if i + 1 < n and sql[i + 1] == quote:
                i += 2
                continue
            return i
        i += 1
    return -1
