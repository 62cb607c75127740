"""The last line of defence: whatever a library raises while reading a trace becomes a TraceError.

The readers turn the failures they expect into precise messages; this catches the rest (a pyarrow
cast nobody foresaw, memory exhaustion, a recursion limit, an I/O error) so that no traceback
reaches a user. The library's message is not repeated: it may quote file contents or server paths.
"""

from __future__ import annotations

import csv
import json
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import pyarrow as pa

from core.errors import TraceError

__all__ = ["guarded"]

_FAILURES = (
    pa.ArrowException, OSError, EOFError, zlib.error, csv.Error, json.JSONDecodeError, UnicodeError,
    ValueError, TypeError, ArithmeticError, MemoryError, RecursionError,
)


@contextmanager
def guarded(name: str) -> Iterator[None]:
    try:
        yield
    except TraceError:
        raise
    except MemoryError:
        raise TraceError(
            f"{name}: ran out of memory while reading the trace; use a smaller trace or fewer columns"
        ) from None
    except _FAILURES as exc:
        raise TraceError(
            f"{name}: cannot be read as a trace ({type(exc).__name__} in the reader); check that it is a "
            "UTF-8 CSV with a header line or a Parquet file with a 'partition' column"
        ) from None
