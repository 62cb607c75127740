"""Velostream lets the clauses after FROM come in any order; the stock parser wants the standard one."""

from __future__ import annotations

from sqlglot.tokens import Token, TokenType

__all__ = ["reorder_clauses"]

# Standard order; only these clauses are moved, each with every token up to the next one.
_RANK = {
    TokenType.WHERE: 0,
    TokenType.GROUP_BY: 1,
    TokenType.HAVING: 2,
    TokenType.ORDER_BY: 3,
    TokenType.LIMIT: 4,
}
_SET_OPERATIONS = {TokenType.UNION, TokenType.INTERSECT, TokenType.EXCEPT}


def reorder_clauses(tokens: list[Token]) -> list[Token]:
    """The same tokens with top-level WHERE/GROUP BY/HAVING/ORDER BY/LIMIT moved into standard order.

    Tokens keep their text and offsets, so errors still point at the user's text. Statements with a
    top-level UNION/INTERSECT/EXCEPT or a repeated clause are left alone (the parser reports those).
    """
    starts: list[int] = []
    depth = 0
    for i, tok in enumerate(tokens):
        kind = tok.token_type
        depth += (kind == TokenType.L_PAREN) - (kind == TokenType.R_PAREN)
        if depth != 0:
            continue
        if kind in _SET_OPERATIONS:
            return tokens
        if kind in _RANK:
            starts.append(i)
    ranks = [_RANK[tokens[i].token_type] for i in starts]
    if len(set(ranks)) != len(ranks) or ranks == sorted(ranks):
        return tokens
    bounds = starts + [len(tokens)]
    segments = sorted(
        (tokens[bounds[k] : bounds[k + 1]] for k in range(len(starts))),
        key=lambda seg: _RANK[seg[0].token_type],
    )
    head = tokens[: starts[0]]
    return head + [tok for seg in segments for tok in seg]
