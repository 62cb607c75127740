"""``parse_script``: one :class:`ParsedStatement` per statement, or a positioned SqlSyntaxError."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ParseError
from sqlglot.tokens import Token, TokenType

from core.errors import SqlSyntaxError
from core.sql.clause_order import reorder_clauses
from core.sql.clauses import StreamingClauses
from core.sql.guard import guarded
from core.sql.messages import from_parse_error
from core.sql.prepass import prepass
from core.sql.text import SourceText

__all__ = ["ParsedStatement", "parse_script", "parse_one", "split_statements"]

_QUERIES = (exp.Select, exp.SetOperation, exp.Subquery)
_SUPPORTED = "SELECT, CREATE STREAM|TABLE ... AS SELECT and INSERT INTO ... SELECT"


@dataclass(frozen=True)
class ParsedStatement:
    """One statement: the standard part as a sqlglot tree plus the streaming clauses lifted from it."""

    index: int
    expression: exp.Expr
    clauses: StreamingClauses
    sql: str
    line: int
    start: int
    end: int
    dialect: Dialect
    annotations: dict[str, str] = field(default_factory=dict)
    annotation_lines: dict[str, int] = field(default_factory=dict)
    tokens: tuple[Token, ...] = ()
    # select | insert | create_stream | create_table | create_view; sink: the table it writes, if any.
    kind: str = "select"
    sink: str | None = None
    # The whole script, so later readers (extraction) can position their errors in the user's text.
    source_text: SourceText | None = field(default=None, compare=False, repr=False)


def _drop_command_warning(record: logging.LogRecord) -> bool:
    return "Falling back to parsing as a 'Command'" not in record.getMessage()


@contextmanager
def _quiet_command_fallback() -> Iterator[None]:
    """sqlglot logs a warning when it falls back to a Command; we turn that into an error instead."""
    logger = logging.getLogger("sqlglot")
    logger.addFilter(_drop_command_warning)
    try:
        yield
    finally:
        logger.removeFilter(_drop_command_warning)


def split_statements(tokens: list[Token]) -> list[list[Token]]:
    """Statements split on ';' tokens (the tokenizer already kept strings and comments whole)."""
    out: list[list[Token]] = [[]]
    for tok in tokens:
        if tok.token_type == TokenType.SEMICOLON:
            out.append([])
        else:
            out[-1].append(tok)
    return [s for s in out if s]


def parse_script(sql: str, dialect: str = "velostream") -> list[ParsedStatement]:
    """The query statements of ``sql`` (see :func:`core.sql.script.read_script`); an error when none."""
    from core.sql.script import read_script  # the script reader builds on this module

    script = read_script(sql, dialect)
    if not script.statements:
        source = SourceText(sql.removeprefix("\ufeff"))
        what = "declarations and settings" if script.tables or script.settings else "statements"
        raise source.error(
            f"nothing to analyze: the input has only {what}, no query; Partition Lab reads {_SUPPORTED}", 0
        )
    return list(script.statements)


def parse_one(
    index: int, toks: list[Token], source: SourceText, base: Dialect, dialect: str
) -> ParsedStatement:
    """One query statement's tokens read into a :class:`ParsedStatement`."""
    with guarded(source, toks[0].start):
        return _parse_one(index, toks, source, base, dialect)


def _parse_one(
    index: int, toks: list[Token], source: SourceText, base: Dialect, dialect: str
) -> ParsedStatement:
    result = prepass(list(toks), source, dialect)
    # Only Velostream allows the clauses after WHERE in any order; elsewhere the order is checked.
    reorder = dialect.strip().lower() == "velostream"
    kept = reorder_clauses(result.tokens) if reorder else result.tokens
    if not kept:
        raise source.error(f"this statement has no query; Partition Lab reads {_SUPPORTED}", toks[0].start)
    _check_start(kept, source)
    _check_dangling_commas(kept, source)
    _check_parens(kept, source)
    _check_empty_clauses(kept, source)
    _check_depth(kept, source)
    try:
        with _quiet_command_fallback(), _recursion_room():
            trees = [t for t in base.parser().parse(kept, source.sql) if t is not None]
    except ParseError as error:
        raise from_parse_error(error, kept, source) from None
    except RecursionError:
        # Long chains of unary operators (NOT NOT NOT ...) nest without parentheses.
        raise source.error(
            "this statement nests too deeply to analyze; simplify the expression", kept[0].start
        ) from None
    if len(trees) != 1:
        raise source.error(f"expected one statement here; Partition Lab reads {_SUPPORTED}", kept[0].start)
    tree = trees[0]
    _check_supported(tree, result.clauses, kept, source)
    _check_tree_depth(tree, source, kept[0].start)
    start, end = toks[0].start, toks[-1].end + 1
    kind, sink = _kind_and_sink(tree, result.clauses)
    return ParsedStatement(
        index=index,
        expression=tree,
        clauses=result.clauses,
        sql=source.sql[start:end],
        line=source.line_of(start),
        start=start,
        end=end,
        dialect=base,
        tokens=tuple(kept),
        kind=kind,
        sink=sink,
        source_text=source,
    )


# Every later walk of the tree (extraction, planning, rendering) recurses; a bounded depth keeps all
# of them far from Python's recursion limit. Real statements nest < 20 levels (samples: 7); this is
# about 100 nested CASE expressions. Chains of binary operators (a + b + ...) do not count: sqlglot
# walks and prints them without recursion.
MAX_TREE_DEPTH = 200


def _check_tree_depth(tree: exp.Expr, source: SourceText, offset: int) -> None:
    stack: list[tuple[exp.Expr, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        depth = depth if isinstance(node, exp.Binary) else depth + 1
        if depth > MAX_TREE_DEPTH:
            ident = node.find(exp.Identifier)
            at = int(ident.meta.get("start", offset)) if ident is not None else offset
            raise source.error(
                f"this statement nests more than {MAX_TREE_DEPTH} expression levels deep here "
                "(e.g. CASE inside CASE ...); simplify the expression",
                at,
            )
        stack.extend((child, depth) for child in node.iter_expressions())


def _kind_and_sink(tree: exp.Expr, clauses: StreamingClauses) -> tuple[str, str | None]:
    if clauses.create is not None:
        return clauses.create.kind, clauses.create.name
    if isinstance(tree, exp.Insert):
        target = tree.this
        table = target if isinstance(target, exp.Table) else target.find(exp.Table)
        return "insert", (".".join(p.name for p in table.parts) if table is not None else None)
    return "select", clauses.into


_QUERY_STARTS = {TokenType.SELECT, TokenType.WITH, TokenType.INSERT, TokenType.L_PAREN, TokenType.VALUES}


def _check_start(kept: list[Token], source: SourceText) -> None:
    """Refuse non-queries before sqlglot falls back to a Command (it would also log a warning)."""
    first = kept[0]
    if first.token_type not in _QUERY_STARTS:
        raise _unsupported(first, source)


def _check_dangling_commas(kept: list[Token], source: SourceText) -> None:
    """sqlglot quietly accepts ``SELECT a, FROM t``; never drop the user's text, so say it."""
    for tok, nxt in zip(kept, kept[1:], strict=False):
        if tok.token_type == TokenType.COMMA and nxt.token_type in {TokenType.FROM, TokenType.R_PAREN}:
            raise source.error(f"a ',' here expects another item before '{nxt.text}'", tok.start)


# sqlglot's recursive-descent parser spends ~20 Python frames per nesting level; real queries stay
# far below this depth, and a clear error beats a RecursionError deep inside the parser.
MAX_NESTING = 64


def _check_depth(kept: list[Token], source: SourceText) -> None:
    depth = 0
    for tok in kept:
        if tok.token_type == TokenType.L_PAREN:
            depth += 1
            if depth > MAX_NESTING:
                raise source.error(
                    f"parentheses nest more than {MAX_NESTING} levels deep here; simplify the expression",
                    tok.start,
                )
        elif tok.token_type == TokenType.R_PAREN:
            depth -= 1


@contextmanager
def _recursion_room(limit: int = 20_000) -> Iterator[None]:
    """Give sqlglot's parser room for MAX_NESTING levels; the old limit comes back afterwards."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def _check_parens(kept: list[Token], source: SourceText) -> None:
    """Unbalanced parentheses, reported where they are rather than where the parser gives up."""
    opened: list[Token] = []
    for tok in kept:
        if tok.token_type == TokenType.L_PAREN:
            opened.append(tok)
        elif tok.token_type == TokenType.R_PAREN:
            if not opened:
                raise source.error("this ')' has no matching '('", tok.start)
            opened.pop()
    if opened:
        raise source.error("this '(' is never closed: add the matching ')'", opened[-1].start)


_NEEDS_FOLLOWER = {
    TokenType.GROUP_BY: "GROUP BY needs at least one column or expression, e.g. GROUP BY user_id",
    TokenType.ON: "ON needs a join condition, e.g. ON a.id = b.id",
    TokenType.WHERE: "WHERE needs a condition, e.g. WHERE amount > 0",
    TokenType.HAVING: "HAVING needs a condition, e.g. HAVING COUNT(*) > 1",
    TokenType.ORDER_BY: "ORDER BY needs at least one column, e.g. ORDER BY ts",
}
_CLAUSE_STARTS = set(_NEEDS_FOLLOWER) | {TokenType.LIMIT, TokenType.R_PAREN, TokenType.JOIN}


def _check_empty_clauses(kept: list[Token], source: SourceText) -> None:
    """sqlglot accepts a trailing ``GROUP BY`` or ``JOIN u ON`` with nothing after; we say what is missing."""
    for k, tok in enumerate(kept):
        message = _NEEDS_FOLLOWER.get(tok.token_type)
        nxt = kept[k + 1] if k + 1 < len(kept) else None
        if message and (nxt is None or nxt.token_type in _CLAUSE_STARTS):
            raise source.error(message, tok.start, len(tok.text))


def _unsupported(first: Token, source: SourceText) -> SqlSyntaxError:
    return source.error(
        f"statements starting with '{first.text}' are not analysed; Partition Lab reads {_SUPPORTED}",
        first.start,
        len(first.text),
    )


def _check_supported(
    tree: exp.Expr, clauses: StreamingClauses, kept: list[Token], source: SourceText
) -> None:
    """Refuse anything that is not a query: sqlglot's Command fallback means it could not read the text."""
    if isinstance(tree, exp.Command):
        raise _unsupported(kept[0], source)
    if isinstance(tree, _QUERIES):
        return
    if isinstance(tree, exp.Insert) and isinstance(tree.expression, _QUERIES) and clauses.create is None:
        return
    raise _unsupported(kept[0], source)
