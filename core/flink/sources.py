"""Tables a script reads but never declares: a ``datagen`` stand-in with the columns the queries use.

Partition Lab analyses a bare ``SELECT ... FROM clicks`` without DDL; Flink's planner needs the table.
The columns are read off the query text (``alias.col`` goes to that alias's table, a bare name to the
first table of the statement) and typed by how they are used, because the exchanges Flink plans depend
on column *roles*, not on exact types:

- the column of ``DESCRIPTOR(col)``, or a name that reads as a time (``ts``, ``*_time``, ``*_at``,
  ``timestamp``) → ``TIMESTAMP(3)``; the first such column of a table carries the watermark, so window
  TVFs, interval joins and ``ORDER BY`` a time work on event time as they would on a real topic;
- a column used in arithmetic, in ``SUM``/``AVG``, or compared with a number → ``DOUBLE``;
- anything else → ``STRING``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlglot.errors import TokenError
from sqlglot.tokens import Token, Tokenizer, TokenType

__all__ = ["InferredTable", "infer_tables", "inferred_ddl"]

_TIME_NAME = re.compile(r"^(ts|rowtime|event_?time|timestamp|.*_time|.*_ts|.*_at)$", re.I)
_NUMERIC_FUNCS = frozenset({"SUM", "AVG", "STDDEV", "STDDEV_POP", "STDDEV_SAMP", "VAR_POP", "VAR_SAMP"})
_ARITH = frozenset({TokenType.PLUS, TokenType.DASH, TokenType.STAR, TokenType.SLASH, TokenType.MOD})
_COMPARE = frozenset({TokenType.GT, TokenType.GTE, TokenType.LT, TokenType.LTE, TokenType.EQ, TokenType.NEQ})
_WINDOW_COLUMNS = frozenset({"window_start", "window_end", "window_time"})
_UNITS = frozenset({"YEAR", "MONTH", "WEEK", "DAY", "HOUR", "MINUTE", "SECOND", "MILLISECOND", "MICROSECOND",
                    "YEARS", "MONTHS", "DAYS", "HOURS", "MINUTES", "SECONDS", "TO"})
_NAME_TYPES = frozenset({TokenType.VAR, TokenType.IDENTIFIER})
_SOURCE_INTRO = frozenset({"FROM", "JOIN"})
_AFTER_SOURCE_STOP = frozenset({"WHERE", "GROUP", "ON", "JOIN", "LEFT", "RIGHT", "INNER", "FULL", "CROSS",
                                "ORDER", "LIMIT", "HAVING", "UNION", "WINDOW", "FOR", "LATERAL", "AS"})


@dataclass(frozen=True)
class InferredTable:
    """An undeclared table: its name as written, ``(column, type)`` pairs, and the watermark column."""

    name: str
    columns: tuple[tuple[str, str], ...]
    watermark: str | None

    def describe(self) -> str:
        cols = ", ".join(f"{c} {t}" for c, t in self.columns) or "no column"
        wm = f", watermark on {self.watermark}" if self.watermark else ""
        return (f"table {self.name} is not declared: a 'datagen' table with the columns the queries use "
                f"({cols}{wm}); types follow how each column is used")


def _tokens(sql: str) -> list[Token]:
    try:
        return list(Tokenizer().tokenize(sql))
    except TokenError:
        return []


def _word(tok: Token) -> str:
    return tok.text.upper()


def _is_name(tok: Token) -> bool:
    return tok.token_type in _NAME_TYPES or (tok.token_type not in _ARITH | _COMPARE and
                                             re.fullmatch(r"[A-Za-z_][\w$]*", tok.text) is not None
                                             and tok.token_type not in _KEYWORD_TYPES)


_KEYWORD_TYPES = frozenset(t for t in TokenType if t not in _NAME_TYPES) - {TokenType.VAR}


def _sources(toks: list[Token]) -> tuple[list[str], dict[str, str]]:
    """Tables read (in order) and ``alias → table`` for ``FROM t [AS] a`` / ``JOIN t a`` /
    ``TABLE(TUMBLE(TABLE t, ...)) [AS] a``."""
    tables: list[str] = []
    aliases: dict[str, str] = {}
    for i, tok in enumerate(toks):
        if _word(tok) not in _SOURCE_INTRO and not (_word(tok) == "TABLE" and i > 0
                                                     and toks[i - 1].token_type == TokenType.L_PAREN):
            continue
        j = i + 1
        if j < len(toks) and _word(tok) != "TABLE" and _word(toks[j]) == "TABLE":
            continue  # FROM TABLE(TUMBLE(TABLE t ...)): the inner TABLE names the source
        if j >= len(toks) or not _is_name(toks[j]):
            continue
        name = toks[j].text
        while j + 2 < len(toks) and toks[j + 1].token_type == TokenType.DOT and _is_name(toks[j + 2]):
            j += 2
            name = toks[j].text
        tables.append(name)
        aliases[name.lower()] = name
        k = j + 1
        if _word(tok) == "TABLE":  # skip to the TVF's closing parentheses: TABLE(TUMBLE(TABLE t, ...)) a
            depth = 0
            while k < len(toks):
                depth += (toks[k].token_type == TokenType.L_PAREN) - (toks[k].token_type == TokenType.R_PAREN)
                if depth < -1:
                    break
                k += 1
            k += 1
        if k < len(toks) and _word(toks[k]) == "AS":
            k += 1
        if k < len(toks) and _is_name(toks[k]) and _word(toks[k]) not in _AFTER_SOURCE_STOP:
            aliases[toks[k].text.lower()] = name
    return tables, aliases


def _numeric_use(toks: list[Token], i: int, start: int) -> bool:
    """``col`` (written from ``toks[start]``, e.g. ``o.col``) next to an arithmetic operator, inside
    ``SUM(col)``/``AVG(col)``, or compared with a number (``col > 3``)."""
    before = toks[start - 1] if start > 0 else None
    after = toks[i + 1] if i + 1 < len(toks) else None
    if any(t is not None and t.token_type in _ARITH for t in (before, after)):
        return True
    if before is not None and before.token_type == TokenType.L_PAREN and start > 1 \
            and _word(toks[start - 2]) in _NUMERIC_FUNCS:
        return True
    return (after is not None and after.token_type in _COMPARE and i + 2 < len(toks)
            and toks[i + 2].token_type == TokenType.NUMBER)


def infer_tables(queries: list[str], declared: set[str]) -> list[InferredTable]:
    """The tables ``queries`` read that are not in ``declared`` (lower-case names), with inferred columns."""
    found: dict[str, dict[str, str]] = {}
    names: dict[str, str] = {}
    watermarks: dict[str, str] = {}
    for query in queries:
        toks = _tokens(query)
        tables, aliases = _sources(toks)
        outputs = {toks[i + 1].text.lower() for i, t in enumerate(toks[:-1]) if _word(t) == "AS"}
        undeclared = [t for t in tables if t.lower() not in declared]
        if not undeclared:
            continue
        for t in undeclared:
            names.setdefault(t.lower(), t)
            found.setdefault(t.lower(), {})
        first = tables[0].lower()
        for i, tok in enumerate(toks):
            if not _is_name(tok):
                continue
            prev = toks[i - 1] if i > 0 else None
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if nxt is not None and nxt.token_type in (TokenType.L_PAREN, TokenType.DOT):
                continue  # a function or a qualifier
            if prev is not None and prev.token_type == TokenType.DOT:
                owner = aliases.get(toks[i - 2].text.lower()) if i > 1 else None
                table = owner.lower() if owner else None
            else:
                low = tok.text.lower()
                if low in aliases or low in outputs or low in _WINDOW_COLUMNS or _word(tok) in _UNITS:
                    continue
                if prev is not None and _word(prev) in ("AS", "INTO", "TABLE"):
                    continue
                table = first
            if table is None or table not in found:
                continue
            column = tok.text
            kind = found[table].get(column.lower(), "STRING")
            descriptor = i > 1 and _word(toks[i - 2]) == "DESCRIPTOR"
            if descriptor or _TIME_NAME.match(column):
                kind = "TIMESTAMP(3)"
                if descriptor:  # the window's time column must be the event-time attribute
                    watermarks[table] = column
                else:
                    watermarks.setdefault(table, column)
            elif kind == "STRING" and _numeric_use(toks, i, i - 2 if prev is not None
                                                   and prev.token_type == TokenType.DOT else i):
                kind = "DOUBLE"
            found[table][column.lower()] = kind
            found[table].setdefault(f"\0{column.lower()}", column)
    out = []
    for low, cols in found.items():
        pairs = tuple((cols[f"\0{c}"], t) for c, t in cols.items() if not c.startswith("\0"))
        out.append(InferredTable(names[low], pairs, watermarks.get(low)))
    return out


def inferred_ddl(table: InferredTable) -> str:
    """``CREATE TEMPORARY TABLE`` on ``datagen`` for an inferred table."""
    cols = [f"`{c}` {t}" for c, t in table.columns] or ["`_unused` STRING"]
    if table.watermark:
        cols.append(f"WATERMARK FOR `{table.watermark}` AS `{table.watermark}` - INTERVAL '1' SECOND")
    return f"CREATE TEMPORARY TABLE `{table.name}` ({', '.join(cols)}) WITH ('connector' = 'datagen')"
