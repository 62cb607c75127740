"""Flattening a trace's JSON ``value`` column into data columns.

``{"symbol": "A", "meta": {"venue": "X"}}`` becomes columns ``symbol`` and ``meta.venue``; lists
stay JSON text. A JSON field whose name collides with an envelope column (``partition``, ``key``...)
is kept as ``value.<name>``: the envelope says where the record was, the payload cannot move it.

Fast path: Arrow's JSON reader over the chunk's values as newline-delimited JSON. When it refuses
(a value spanning lines, a field changing type, a list, or bad JSON) a Python pass parses row by
row, which is also what finds the bad row for the error message.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pajson

from core.hashing import display_string
from core.workload.trace.columns import Fail

__all__ = ["expand_json", "is_json_column"]


def is_json_column(column: pa.ChunkedArray) -> bool:
    """True for struct columns and for text whose first present value starts with ``{``."""
    if pa.types.is_struct(column.type):
        return True
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return False
    for value in column.drop_null().slice(0, 1000).to_pylist():
        if value.strip():
            return bool(value.lstrip().startswith("{"))
    return False


def expand_json(table: pa.Table, fail: Fail) -> pa.Table:
    """``table`` with its ``value`` column replaced by the flattened fields."""
    column = table.column("value")
    if pa.types.is_struct(column.type):
        data = pa.table({"value": column}).flatten()
        data = data.rename_columns([n.removeprefix("value.") for n in data.column_names])
    else:
        data = _arrow_json(column) or _python_json(column, fail)
    rest = table.drop_columns(["value"])
    for name, col in zip(data.column_names, data.columns, strict=True):
        rest = rest.append_column(f"value.{name}" if name in rest.column_names else name, col)
    return rest


def _arrow_json(column: pa.ChunkedArray) -> pa.Table | None:
    texts = pc.fill_null(pc.utf8_trim_whitespace(column), "")
    texts = pc.if_else(pc.equal(texts, ""), "{}", texts)
    if pc.any(pc.match_substring(texts, "\n")).as_py():
        return None
    buffer = "\n".join(texts.to_pylist()).encode("utf-8")
    try:
        table = pajson.read_json(io.BytesIO(buffer)).flatten()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if table.num_rows != len(column) or any(_nested(t) for t in table.schema.types):
        return None
    return table


def _nested(kind: pa.DataType) -> bool:
    return pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_struct(kind)


def _flatten(obj: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = json.dumps(value) if isinstance(value, list) else value
    return out


def _python_json(column: pa.ChunkedArray, fail: Fail) -> pa.Table:
    rows: list[dict[str, Any]] = []
    for i, raw in enumerate(column.to_pylist()):
        if raw is None or not str(raw).strip():
            rows.append({})
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise fail(
                f"value is not valid JSON ({exc.msg} at character {exc.pos + 1}); fix the row or export "
                "values as JSON objects",
                i,
            ) from None
        if not isinstance(obj, dict):
            raise fail(
                f"value is JSON but not an object ({str(raw)[:40]!r}); the value column must hold "
                'objects like {"symbol": "A"}',
                i,
            )
        rows.append(_flatten(obj))
    names = list(dict.fromkeys(name for row in rows for name in row))
    arrays = {}
    for name in names:
        values = [row.get(name) for row in rows]
        try:
            arrays[name] = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            # A field with mixed types (1 here, "x" there) is kept as text.
            arrays[name] = pa.array([None if v is None else display_string(v) for v in values], pa.string())
    return pa.table(arrays)
