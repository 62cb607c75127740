"""Offsets in the user's script turned into the 1-based line/column people see in editors."""

from __future__ import annotations

from bisect import bisect_right

from core.errors import SqlSyntaxError

__all__ = ["SourceText"]


class SourceText:
    """The whole script plus a line index, so every error can point into the original text."""

    def __init__(self, sql: str) -> None:
        self.sql = sql
        self._line_starts = [0] + [i + 1 for i, ch in enumerate(sql) if ch == "\n"]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, col) of a 0-based character offset, clamped into the text."""
        offset = max(0, min(offset, max(len(self.sql) - 1, 0)))
        line = bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def line_of(self, offset: int) -> int:
        return self.position(offset)[0]

    def error(self, message: str, offset: int, length: int = 1) -> SqlSyntaxError:
        line, col = self.position(offset)
        return SqlSyntaxError(message, line, col, length=length)

    def lines(self) -> list[str]:
        return self.sql.split("\n")
