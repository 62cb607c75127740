"""Scanner state shared by the lifters: the statement's tokens, what is kept, what was lifted."""

from __future__ import annotations

from sqlglot.tokens import Token, TokenType

from core.errors import SqlSyntaxError
from core.sql.clauses import Span, StreamingClauses
from core.sql.durations import DURATION_EXAMPLE, is_duration_unit, try_parse_duration
from core.sql.text import SourceText
from core.sql.tokens import is_name, slice_text, up
from core.sql.window_limits import check_duration

__all__ = ["ScannerBase"]

# What an unknown window type is told to use, per dialect family (all three kinds are accepted anyway).
_WINDOW_WORDS = {"ksqldb": "TUMBLING, HOPPING or SESSION", "ksql": "TUMBLING, HOPPING or SESSION"}


class ScannerBase:
    """Tokens of one statement, the kept ones, the lifted clauses and a few reading helpers."""

    def __init__(self, toks: list[Token], source: SourceText, dialect: str = "velostream") -> None:
        self.toks = toks
        self.source = source
        self.kept: list[Token] = []
        self.clauses = StreamingClauses()
        self.depth = 0
        self.joins = -1
        self.over_function = ""
        self.dialect = dialect.strip().lower()
        self.drop_at: set[int] = set()  # token indexes to lift when reached (the ')' of STREAM(src))
        self.last_join = -1  # index in kept of the last JOIN
        # Per open parenthesis level: SELECT or FROM, whichever was kept last at that level.
        self._levels: list[TokenType | None] = [None]
        self._opens: list[int] = []  # kept indexes of the '(' still open
        self._last_open = -1  # kept index of the '(' matching the last kept ')'
        self.window_words = _WINDOW_WORDS.get(dialect.strip().lower(), "TUMBLING, SLIDING or SESSION")

    # -- small helpers ---------------------------------------------------------------------------
    def _peek(self, i: int) -> Token | None:
        return self.toks[i] if 0 <= i < len(self.toks) else None

    @staticmethod
    def _is(tok: Token | None, kind: TokenType) -> bool:
        return tok is not None and tok.token_type == kind

    def _lift(self, i: int, j: int) -> int:
        """Record tokens ``i..j-1`` as lifted and return ``j``."""
        self.clauses.spans.append(Span(self.toks[i].start, self.toks[j - 1].end + 1))
        return j

    def _error(self, message: str, i: int) -> SqlSyntaxError:
        tok = self._peek(i) or self.toks[-1]
        offset = tok.start if self._peek(i) else tok.end + 1
        return self.source.error(message, offset, len(tok.text))

    def _expect(self, i: int, word: str, message: str) -> int:
        if up(self._peek(i)) != word:
            raise self._error(message, i)
        return i + 1

    def _read_duration(self, i: int, message: str) -> tuple[int, int]:
        """(ms, next index) for a duration at ``i``: ``1h``, ``30 SECONDS``, ``INTERVAL '2' HOUR``."""
        j = i + 1
        tok = self._peek(i)
        if up(tok) == "INTERVAL":
            j = i + 2
        if tok is not None and up(tok) == "INTERVAL" or self._is(tok, TokenType.NUMBER):
            unit = self._peek(j)
            if unit is not None and is_name(unit) and is_duration_unit(unit.text):
                j += 1
        last = self._peek(j - 1)
        ms = try_parse_duration(slice_text(self.source, tok, last)) if tok and last else None
        if ms is None:
            raise self._error(f"{message}, {DURATION_EXAMPLE}", i)
        # A join bound or expiry of 0 is meaningful (same instant); only the upper bound applies.
        check_duration(ms, "this duration", self.source, tok.start if tok else 0, minimum=0)
        return ms, j

    def retype_as_name(self, i: int) -> int | None:
        """Let a keyword used as a function name (window(...), SESSION(...)) reach the parser as a name.

        Same text and offsets; only the token type changes, so no user text is altered.
        """
        tok = self.toks[i]
        self.toks[i] = Token(TokenType.VAR, tok.text, tok.line, tok.col, tok.start, tok.end, tok.comments)
        return None  # the retyped token is kept like any other
