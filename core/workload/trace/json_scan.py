"""Bounding JSON values by nesting depth and field count before any JSON parser sees them.

pyarrow's JSON reader recurses once per nesting level in native code (about 20,000 levels crash the
process) and Python's ``json`` raises RecursionError near 1,000; a value with thousands of fields
makes thousands of columns. So each value is scanned first, in one linear pass over the column's
bytes, all in numpy:

* only the structural bytes matter (``" \\ { } [ ] :``), found with one table lookup;
* a quote is escaped when an odd run of backslashes precedes it (runs found on the backslash
  positions alone);
* unescaped quotes toggle "inside a string" per value, so brackets and colons inside strings do not
  count;
* depth is the running sum of opens minus closes within each value; fields are colons outside
  strings (in JSON a colon outside a string only separates a member's name from its value).

The scan agrees with a real parser on every valid prefix of a value, and a parser stops at its
first error, so a value that passes cannot make a parser go deeper than the bound.
Decision: scan in-process rather than parse in a child process, so the hot path stays one process and
one pass; the child-process design would also need to ship every chunk across a pipe.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from core.workload.trace.limits import MAX_JSON_DEPTH, MAX_JSON_FIELDS

__all__ = ["JsonBounds", "bytes_and_offsets", "scan_json"]

_QUOTE, _BACKSLASH, _OPEN, _CLOSE, _COLON = 1, 2, 3, 4, 5
_CLASS = np.zeros(256, dtype=np.uint8)
_CLASS[ord('"')] = _QUOTE
_CLASS[ord("\\")] = _BACKSLASH
_CLASS[[ord("{"), ord("[")]] = _OPEN
_CLASS[[ord("}"), ord("]")]] = _CLOSE
_CLASS[ord(":")] = _COLON


class JsonBounds:
    """Where a column first breaks a bound: ``row`` (0-based), ``depth`` and ``fields`` of it."""

    def __init__(self, row: int, depth: int, fields: int) -> None:
        self.row, self.depth, self.fields = row, depth, fields


def bytes_and_offsets(column: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The UTF-8 bytes of a (large) string array and its n + 1 value offsets into them, zero-copy."""
    offset_type = np.int64 if pa.types.is_large_string(column.type) else np.int32
    _, offsets_buf, data_buf = column.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=offset_type)[column.offset: column.offset + len(column) + 1]
    if data_buf is None or not len(offsets):
        return np.zeros(0, dtype=np.uint8), np.zeros(len(column) + 1, dtype=np.int64)
    data = np.frombuffer(data_buf, dtype=np.uint8)
    start, end = int(offsets[0]), int(offsets[-1])
    return data[start:end], offsets.astype(np.int64) - start


def scan_json(column: pa.Array, max_depth: int = MAX_JSON_DEPTH,
              max_fields: int = MAX_JSON_FIELDS) -> JsonBounds | None:
    """The first value of a string column nested deeper than ``max_depth`` or with more than
    ``max_fields`` members, or None when every value is within bounds. Linear in the bytes."""
    # Quick bound per value: depth <= brackets opened, fields <= colons (two byte compares and a
    # search of the value boundaries among the hits). Only values failing it (rare: colons or
    # brackets inside strings, or a hostile value) get the exact scan.
    data, offsets = bytes_and_offsets(column)
    opens = np.diff(np.searchsorted(np.flatnonzero((data == ord("{")) | (data == ord("["))), offsets))
    colons = np.diff(np.searchsorted(np.flatnonzero(data == ord(":")), offsets))
    suspect = (opens > max_depth) | (colons > max_fields)
    if not suspect.any():
        return None
    rows = np.flatnonzero(suspect)
    found = _exact(column.take(pa.array(rows)), max_depth, max_fields)
    return None if found is None else JsonBounds(int(rows[found.row]), found.depth, found.fields)


def _exact(column: pa.Array, max_depth: int, max_fields: int) -> JsonBounds | None:
    data, offsets = bytes_and_offsets(column)
    if not len(data):
        return None
    kinds = _CLASS[data]
    where = np.flatnonzero(kinds)
    kind = kinds[where]
    # Both sides are sorted: locate the value boundaries among the positions, then repeat (linear).
    bounds = np.searchsorted(where, offsets)
    row = np.repeat(np.arange(len(offsets) - 1), np.diff(bounds))
    # Escaped quotes: a quote right after a run of an odd number of backslashes.
    slash = where[kind == _BACKSLASH]
    quote_at = kind == _QUOTE
    quotes = where[quote_at]
    row_of_quote = row[quote_at]
    if len(slash):
        run_start = np.ones(len(slash), dtype=bool)
        run_start[1:] = np.diff(slash) != 1
        start_of_run = slash[np.maximum.accumulate(np.where(run_start, np.arange(len(slash)), 0))]
        # The backslash just before each quote, if any: its run's length (within the value) decides.
        k = np.maximum(np.searchsorted(slash, quotes) - 1, 0)
        value_start = offsets[row_of_quote]
        preceded = (slash[k] == quotes - 1) & (quotes > value_start)
        run = np.where(preceded, quotes - np.maximum(start_of_run[k], value_start), 0)
        escaped = np.zeros(len(where), dtype=bool)
        escaped[np.flatnonzero(quote_at)] = run % 2 == 1
        quote_at &= ~escaped
    # String state: an odd count of real quotes since the value began.
    real_quotes = np.cumsum(quote_at)
    before_row = np.concatenate(([0], real_quotes))[bounds[:-1]]
    inside = ((real_quotes - quote_at - before_row[row]) % 2 == 1)
    structural = ~inside & ((kind == _OPEN) | (kind == _CLOSE) | (kind == _COLON))
    kind, row = kind[structural], row[structural]
    if not len(kind):
        return None
    step = np.where(kind == _OPEN, 1, np.where(kind == _CLOSE, -1, 0))
    depth = np.cumsum(step)
    first_in_row = np.searchsorted(row, np.arange(len(offsets) - 1))
    base = np.concatenate(([0], depth))[first_in_row]
    depth -= base[row]
    fields = np.bincount(row[kind == _COLON], minlength=len(offsets) - 1)
    deep = np.zeros(len(offsets) - 1, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate(([True], row[1:] != row[:-1])))
    deep[row[starts]] = np.maximum.reduceat(depth, starts)
    bad = (deep > max_depth) | (fields > max_fields)
    if not bad.any():
        return None
    first = int(np.flatnonzero(bad)[0])
    return JsonBounds(first, int(deep[first]), int(fields[first]))
