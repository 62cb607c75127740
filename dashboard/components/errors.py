"""Show any PartitionLabError as a message (never a traceback); syntax errors point at the text."""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import streamlit as st

from core.errors import PartitionLabError, SqlSyntaxError
from dashboard.text import md_escape, user_words

__all__ = ["show_error", "show_unexpected", "caret_excerpt", "guarded", "call_safely", "in_user_words"]

# A path under this server's temporary directory says nothing to the user (and should not leak).
_TEMP_PATH = re.compile(re.escape(tempfile.gettempdir().rstrip("/"))
                        + r"/[^\s'\"]*?([^/\s'\"]+)(?=[\s'\":,)]|$)")


def in_user_words(message: str) -> str:
    """A core message as the dashboard says it: its field names instead of CLI flags, "you" instead of
    "the caller", and a server temp path reduced to its file name."""
    return user_words(_TEMP_PATH.sub(r"\1", message))

_LOG = logging.getLogger(__name__)

T = TypeVar("T")


def caret_excerpt(sql: str, line: int, col: int, length: int = 1) -> str:
    """The offending line with a ``^`` marker under the column (1-based), as plain text."""
    lines = sql.splitlines() or [""]
    index = min(max(line, 1), len(lines)) - 1
    raw = lines[index]
    text = raw.expandtabs(4)
    # Measure the caret offset on the tab-expanded prefix so it sits under the right character.
    start = len(raw[: max(col, 1) - 1].expandtabs(4))
    width = max(1, min(length, max(1, len(text) - start)))
    gutter = f"{index + 1:>4} | "
    return f"{gutter}{text}\n{' ' * len(gutter)}{' ' * start}{'^' * width}"


def show_error(error: PartitionLabError, sql: str | None = None) -> None:
    """An st.error with the message; for SQL, the line and a caret under the offending text."""
    if isinstance(error, SqlSyntaxError):
        st.error(
            f"SQL syntax error at line {error.line}, column {error.col}: "
            f"{md_escape(in_user_words(error.message))}",
            icon=":material/error:",
        )
        if sql is not None:
            # st.code renders text verbatim: user SQL is never interpreted as markup.
            st.code(caret_excerpt(sql, error.line, error.col, error.length), language=None)
        return
    st.error(md_escape(in_user_words(str(error))), icon=":material/error:")


def show_unexpected(error: Exception) -> None:
    """A bug, not a bad input: a short message on the page, the traceback in the server log."""
    _LOG.error("unexpected error in the dashboard", exc_info=error)
    st.error(
        f"Partition Lab hit an internal error ({type(error).__name__}). This is a bug, not your input; "
        "the server log has the details.",
        icon=":material/bug_report:",
    )


@contextmanager
def guarded(sql: str | None = None) -> Iterator[None]:
    """``with guarded(sql): ...`` shows an error raised inside as a message instead of a traceback."""
    try:
        yield
    except PartitionLabError as error:
        show_error(error, sql)
    except Exception as error:  # noqa: BLE001 — shown as a message, logged with its traceback
        show_unexpected(error)


def call_safely(fn: Callable[[], T], sql: str | None = None) -> T | None:
    """``fn()``, or None after showing what went wrong (never a traceback on the page)."""
    try:
        return fn()
    except PartitionLabError as error:
        show_error(error, sql)
    except Exception as error:  # noqa: BLE001 — shown as a message, logged with its traceback
        show_unexpected(error)
    return None
