"""The last line of defence: nothing but the project's own errors leaves the SQL front end.

The readers raise positioned :class:`core.errors.SqlSyntaxError` for every case they know; this guard
turns anything else (a RecursionError from a deeply nested tree, an overflow in an absurd literal,
a bug) into one too, positioned at the statement it happened in, instead of a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from core.errors import PartitionLabError
from core.sql.text import SourceText

__all__ = ["guarded"]


@contextmanager
def guarded(source: SourceText, offset: int = 0) -> Iterator[None]:
    try:
        yield
    except PartitionLabError:
        raise
    except RecursionError:
        raise source.error(
            "this statement nests too deeply to analyze; simplify the expression (fewer nested levels)",
            offset,
        ) from None
    except (OverflowError, MemoryError):
        raise source.error("a number or size in this statement is too large to analyze", offset) from None
    except Exception as exc:  # noqa: BLE001 - any other failure is reported, positioned, never a traceback
        raise source.error(
            f"this statement could not be read ({type(exc).__name__}); simplify it or report the SQL",
            offset,
        ) from None
