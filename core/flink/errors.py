"""The errors a Flink run ends with; each is a :class:`~core.errors.PartitionLabError` (CLI exit 2)."""

from __future__ import annotations

from core.errors import PartitionLabError

__all__ = ["FlinkError", "FlinkUnavailableError", "FlinkRejectedError", "FlinkTimeoutError"]


class FlinkError(PartitionLabError):
    """Flink could not do what was asked (JVM start, job failure, REST error)."""


class FlinkUnavailableError(FlinkError):
    """PyFlink or Java is not installed; the message says how to install it."""


class FlinkRejectedError(FlinkError):
    """Flink's planner rejected a statement; the message is Flink's own (first lines, no stack)."""


class FlinkTimeoutError(FlinkError):
    """Flink did not answer in time; the child and its JVM were killed."""
