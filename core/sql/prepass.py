"""Token-level pre-pass: lift streaming clauses out of one statement's tokens, keep the rest untouched.

The stock sqlglot parser then reads the kept tokens. Kept tokens are the user's original tokens (same
text, same offsets), so parser errors still point into the original script; every lifted range is
recorded as a :class:`Span` so nothing is ever dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlglot.tokens import Token, TokenType

from core.sql.clauses import StreamingClauses
from core.sql.lifters import Lifters
from core.sql.text import SourceText
from core.sql.tokens import is_name, up
from core.sql.windows import TVF_KINDS

__all__ = ["PrepassResult", "prepass"]

_LEVEL_WORDS = {
    TokenType.SELECT, TokenType.FROM, TokenType.WHERE, TokenType.GROUP_BY, TokenType.HAVING,
    TokenType.ORDER_BY, TokenType.LIMIT, TokenType.ON, TokenType.QUALIFY, TokenType.USING,
}
_NOT_SOURCES = {"AS", "WHERE", "JOIN", "GROUP", "ON", "LEFT", "RIGHT", "INNER", "FULL", "CROSS", "WINDOW"}


@dataclass(frozen=True)
class PrepassResult:
    """Kept tokens for the stock parser and the streaming clauses lifted from one statement."""

    tokens: list[Token]
    clauses: StreamingClauses


def prepass(toks: list[Token], source: SourceText, dialect: str = "velostream") -> PrepassResult:
    """Split one statement's tokens into kept tokens and lifted, decoded streaming clauses."""
    scanner = _Scanner(toks, source, dialect)
    scanner.run()
    return PrepassResult(scanner.kept, scanner.clauses)


class _Scanner(Lifters):
    def run(self) -> None:
        i = 0
        while i < len(self.toks):
            if i in self.drop_at:
                i = self._lift(i, i + 1)
                continue
            handler = self._handler(i)
            nxt = handler(i) if handler else None
            if nxt is None:
                self._keep(i)
                i += 1
            else:
                i = nxt

    def _handler(self, i: int) -> Callable[[int], int | None] | None:
        tok, word = self.toks[i], up(self.toks[i])
        nxt = self._peek(i + 1)
        if i == 0 and word == "CREATE":
            return self.lift_create
        if word == "WINDOW":
            return self.lift_window
        if word == "MATCH_RECOGNIZE" and self._is(nxt, TokenType.L_PAREN):
            return self.lift_match_recognize
        if word == "SESSION" and self.depth > 0 and up(nxt) == "WITH" and up(self._peek(i + 2)) == "GAP":
            return self.lift_session_gap
        if word == "EMIT":
            return self.lift_emit
        if word == "ROWS" and up(nxt) == "WINDOW":
            return self.lift_buffer
        if word == "EXPIRE" and up(nxt) == "AFTER":
            return self.lift_expire
        if tok.token_type == TokenType.PRIMARY_KEY or (word == "PRIMARY" and up(nxt) == "KEY"):
            return self.lift_primary_key
        if word == "WITHIN" and up(nxt) != "GROUP" and self.joins >= 0:
            return self.lift_within
        if tok.token_type == TokenType.WITH and self._is(nxt, TokenType.L_PAREN):
            return self.lift_properties
        if tok.token_type == TokenType.INTO and self.depth == 0 and not self._after_insert():
            return self.lift_into
        if self.depth == 0 and (word == "PARTITION BY" or (word == "PARTITION" and up(nxt) == "BY")):
            return self.lift_partition_by
        if word == "STREAM" and self._after_from() and self._is_stream_read(nxt):
            return self.lift_stream_source
        if self._after_from() and self._looks_like_tvf(i):
            return self.lift_tvf
        if tok.token_type == TokenType.SESSION and self._is(nxt, TokenType.L_PAREN):
            return self.retype_as_name  # Flink's group window SESSION(ts, gap)
        return None

    def _keep(self, i: int) -> None:
        tok = self.toks[i]
        kind = tok.token_type
        # Bookkeeping per kept token keeps every later question O(1): which of SELECT/FROM came last
        # at this parenthesis level, where the '(' of the last ')' was, where the last JOIN is.
        if kind == TokenType.L_PAREN:
            self.depth += 1
            self._opens.append(len(self.kept))
            self._levels.append(None)
        elif kind == TokenType.R_PAREN:
            self.depth -= 1
            self._last_open = self._opens.pop() if self._opens else -1
            if len(self._levels) > 1:
                self._levels.pop()
        elif kind == TokenType.JOIN:
            self.joins += 1
            self.last_join = len(self.kept)
        elif kind == TokenType.OVER:
            self.over_function = self._function_before_over()
        elif kind in _LEVEL_WORDS:
            # A clause after FROM (WHERE, GROUP BY, ON, ...) ends the FROM list at this level.
            self._levels[-1] = kind
        self.kept.append(tok)

    def _after_insert(self) -> bool:
        return bool(self.kept) and up(self.kept[-1]) in {"INSERT", "OVERWRITE", "TABLE", "MERGE"}

    def _after_from(self) -> bool:
        """The next token starts a source: right after FROM/JOIN, or after a comma in a FROM list."""
        if not self.kept:
            return False
        if self.kept[-1].token_type in {TokenType.FROM, TokenType.JOIN}:
            return True
        if self.kept[-1].token_type != TokenType.COMMA:
            return False
        # A comma in a FROM list: FROM came after the last SELECT at this parenthesis level.
        return self._levels[-1] == TokenType.FROM

    def _is_stream_read(self, nxt: Token | None) -> bool:
        if self._is(nxt, TokenType.L_PAREN):
            return True
        # ``FROM STREAM src``: only Spark pipelines spell it so; elsewhere ``stream`` may be a table name.
        return self.dialect in {"spark", "databricks"} and is_name(nxt) and up(nxt) not in _NOT_SOURCES

    def _looks_like_tvf(self, i: int) -> bool:
        tok, nxt = self.toks[i], self._peek(i + 1)
        if up(tok) == "TABLE" and self._is(nxt, TokenType.L_PAREN):
            return up(self._peek(i + 2)) in TVF_KINDS
        return up(tok) in TVF_KINDS and self._is(nxt, TokenType.L_PAREN)

    def _function_before_over(self) -> str:
        """Name of the function an OVER belongs to: the word before the call's '('."""
        if not self.kept or self.kept[-1].token_type != TokenType.R_PAREN or self._last_open < 0:
            return ""
        j = self._last_open
        return up(self.kept[j - 1]) if j > 0 and is_name(self.kept[j - 1]) else ""
