"""Small helpers over sqlglot token lists: parentheses, argument splitting, names and source text."""

from __future__ import annotations

import re

from sqlglot.tokens import Token, TokenType

from core.sql.text import SourceText

__all__ = ["up", "is_name", "matching_paren", "split_args", "slice_text", "read_dotted_name"]

_WORD = re.compile(r"[A-Za-z_][\w$]*")
_NOT_NAMES = {
    TokenType.STRING,
    TokenType.NUMBER,
    TokenType.L_PAREN,
    TokenType.R_PAREN,
    TokenType.COMMA,
    TokenType.DOT,
    TokenType.SEMICOLON,
}


def up(tok: Token | None) -> str:
    return tok.text.upper() if tok is not None else ""


def is_name(tok: Token | None) -> bool:
    """A token that can stand for a column or table name (quoted, or a word that is not a literal)."""
    if tok is None or tok.token_type in _NOT_NAMES:
        return False
    return tok.token_type == TokenType.IDENTIFIER or bool(_WORD.fullmatch(tok.text))


def matching_paren(toks: list[Token], i: int, source: SourceText) -> int:
    """Index of the ``)`` closing the ``(`` at ``i``; an error at the ``(`` when it never closes."""
    depth = 0
    for j in range(i, len(toks)):
        kind = toks[j].token_type
        if kind == TokenType.L_PAREN:
            depth += 1
        elif kind == TokenType.R_PAREN:
            depth -= 1
            if depth == 0:
                return j
    raise source.error("this '(' is never closed: add the matching ')'", toks[i].start)


def split_args(toks: list[Token], open_i: int, close_i: int) -> list[list[Token]]:
    """Top-level comma-separated arguments between the parentheses at ``open_i`` and ``close_i``."""
    args: list[list[Token]] = [[]]
    depth = 0
    for tok in toks[open_i + 1 : close_i]:
        kind = tok.token_type
        if kind == TokenType.COMMA and depth == 0:
            args.append([])
            continue
        depth += (kind == TokenType.L_PAREN) - (kind == TokenType.R_PAREN)
        args[-1].append(tok)
    return [] if args == [[]] else args


def slice_text(source: SourceText, first: Token, last: Token) -> str:
    """The user's own text from ``first`` to ``last`` inclusive (quotes and spacing kept)."""
    return source.sql[first.start : last.end + 1]


def read_dotted_name(toks: list[Token], i: int) -> tuple[list[Token], int]:
    """Name tokens of ``a.b.c`` starting at ``i`` (dots skipped) and the index after the name."""
    parts: list[Token] = []
    while i < len(toks) and is_name(toks[i]):
        parts.append(toks[i])
        i += 1
        if i + 1 < len(toks) and toks[i].token_type == TokenType.DOT and is_name(toks[i + 1]):
            i += 1
            continue
        break
    return parts, i
