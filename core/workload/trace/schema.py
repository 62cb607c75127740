"""Parquet column types checked from the schema, before any data page is read.

The envelope columns need number-like types (a ``uint64`` partition or a ``list`` offset would
otherwise fail deep inside a cast); data columns must be scalars (a ``list`` or ``struct`` is not a
key or a number); a ``value`` struct is flattened, so its leaves must be scalars too, within the
JSON depth and field bounds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pyarrow as pa

from core.errors import TraceError
from core.workload.trace.limits import MAX_COLUMNS, MAX_JSON_DEPTH, MAX_JSON_FIELDS

__all__ = ["check_parquet_schema", "is_scalar"]

_SCALAR: tuple[Callable[[pa.DataType], bool], ...] = (
    pa.types.is_integer, pa.types.is_floating, pa.types.is_boolean, pa.types.is_string,
    pa.types.is_large_string, pa.types.is_binary, pa.types.is_large_binary, pa.types.is_fixed_size_binary,
    pa.types.is_timestamp, pa.types.is_date, pa.types.is_time, pa.types.is_decimal, pa.types.is_null,
    pa.types.is_duration,
)
_NUMBER_LIKE: tuple[Callable[[pa.DataType], bool], ...] = (
    pa.types.is_integer, pa.types.is_floating, pa.types.is_string, pa.types.is_large_string, pa.types.is_null,
)
_EXPECTED = {
    "partition": (_NUMBER_LIKE, "an integer column (int8..int64 or uint8..uint64, or text holding integers)"),
    "offset": (_NUMBER_LIKE, "an integer column (or text holding integers)"),
    "timestamp": (
        (*_NUMBER_LIKE, pa.types.is_timestamp),
        "a timestamp, an integer of epoch milliseconds, or ISO-8601 text",
    ),
}


def _plain(kind: pa.DataType) -> pa.DataType:
    return kind.value_type if pa.types.is_dictionary(kind) else kind


def is_scalar(kind: pa.DataType) -> bool:
    """True for one value per cell (numbers, text, bytes, times), dictionary-encoded or not."""
    return any(test(_plain(kind)) for test in _SCALAR)


def check_parquet_schema(name: str, schema: pa.Schema, rename: Mapping[str, str]) -> None:
    """Raise TraceError naming the first column whose type the replay cannot use."""
    if len(schema) > MAX_COLUMNS:
        raise TraceError(
            f"{name}: the file has {len(schema):,} columns; a trace may have at most {MAX_COLUMNS:,}; "
            "export only the columns the query reads"
        )
    for field in schema:
        role = rename.get(field.name, field.name)
        kind = field.type
        if role in _EXPECTED:
            tests, expected = _EXPECTED[role]
            if not any(test(_plain(kind)) for test in tests):
                raise TraceError(
                    f"{name}: column {field.name!r} ({role}) has Parquet type {kind}; expected {expected}. "
                    "Cast it when exporting, or map another column with column_map"
                )
        elif role == "value" and pa.types.is_struct(kind):
            _check_struct(name, field)
        elif not is_scalar(kind):
            raise TraceError(
                f"{name}: column {field.name!r} has Parquet type {kind}; data columns must hold one "
                "number, text or time per row (no list, map or struct; a struct is flattened only as "
                "the 'value' column). Flatten it when exporting or drop the column"
            )


def _check_struct(name: str, field: pa.Field) -> None:
    # Iterative walk: a hostile schema may nest deeper than Python's recursion limit.
    stack: list[tuple[str, pa.DataType, int]] = [(field.name, field.type, 1)]
    leaves = 0
    while stack:
        path, kind, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise TraceError(
                f"{name}: column {field.name!r} nests structs deeper than {MAX_JSON_DEPTH} levels "
                f"(at {path[:80]!r}); flatten the value when exporting"
            )
        if pa.types.is_struct(kind):
            stack.extend((f"{path}.{kind.field(i).name}", kind.field(i).type, depth + 1)
                         for i in range(kind.num_fields))
            continue
        leaves += 1
        if leaves > MAX_JSON_FIELDS:
            raise TraceError(
                f"{name}: column {field.name!r} has more than {MAX_JSON_FIELDS:,} fields; a trace value "
                "may have at most that many; export only the fields the query reads"
            )
        if not is_scalar(kind):
            raise TraceError(
                f"{name}: field {path[:80]!r} has Parquet type {kind}; value fields must be scalars "
                "(no lists or maps); flatten it when exporting or drop the field"
            )
