"""``WITH (k = v, ...)`` property lists, keys and values as the user wrote them (quotes removed)."""

from __future__ import annotations

from sqlglot.tokens import Token, TokenType

from core.sql.text import SourceText
from core.sql.tokens import slice_text, split_args

__all__ = ["read_properties"]


def _plain(source: SourceText, toks: list[Token]) -> str:
    if len(toks) == 1:
        return toks[0].text  # strings and quoted names arrive unquoted from the tokenizer
    if all(t.token_type != TokenType.STRING for t in toks):
        return "".join(t.text for t in toks)  # dotted names such as trades.type
    return slice_text(source, toks[0], toks[-1])


def read_properties(toks: list[Token], open_i: int, close_i: int, source: SourceText) -> dict[str, str]:
    """Pairs between the parentheses at ``open_i`` and ``close_i``; an error names a pair without '='."""
    props: dict[str, str] = {}
    for arg in split_args(toks, open_i, close_i):
        eq = next((k for k, t in enumerate(arg) if t.token_type == TokenType.EQ), -1)
        if eq <= 0 or eq == len(arg) - 1:
            at = arg[0].start if arg else toks[open_i].start
            example = "WITH ('topic' = 'trades')"
            raise source.error(f"expected 'key' = 'value' inside WITH (...), e.g. {example}", at)
        props[_plain(source, arg[:eq])] = _plain(source, arg[eq + 1 :])
    return props
