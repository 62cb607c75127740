"""The project's one root error and the few conditions users meet.

The CLI and the dashboard catch :class:`PartitionLabError` and show its message; anything else
escaping is a bug.
"""

from __future__ import annotations

__all__ = [
    "PartitionLabError",
    "SqlSyntaxError",
    "UnknownStrategyError",
    "InvalidConfigError",
    "TreeFileError",
    "TraceError",
    "WorkerFailedError",
    "InputError",
]


class PartitionLabError(Exception):
    """Root of every error the project raises on purpose; the message says what to do."""


class SqlSyntaxError(PartitionLabError):
    """SQL that cannot be read; carries a 1-based line and column inside the user's text."""

    def __init__(self, message: str, line: int, col: int, *, length: int = 1) -> None:
        self.message = message
        self.line = line
        self.col = col
        self.length = max(1, length)
        super().__init__(f"line {line}, col {col}: {message}")

    def to_dict(self) -> dict[str, object]:
        return {"message": self.message, "line": self.line, "col": self.col}


class UnknownStrategyError(PartitionLabError):
    """A strategy name that matches no strategy or alias."""


class InvalidConfigError(PartitionLabError):
    """An option or configuration value outside what the tool accepts."""


class TreeFileError(PartitionLabError):
    """A user-supplied decision tree that cannot be loaded; the message names the node."""


class TraceError(PartitionLabError):
    """A trace file that cannot be replayed; the message names the file, row or column and the fix."""


class WorkerFailedError(PartitionLabError):
    """A simulation worker process died, hung or ran out of memory."""


class InputError(PartitionLabError):
    """An input file or stream (SQL, stdin) that cannot be read: missing, unreadable or not UTF-8."""
