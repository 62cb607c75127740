"""Flattening a trace's JSON ``value`` column into data columns.

``{"symbol": "A", "meta": {"venue": "X"}}`` becomes columns ``symbol`` and ``meta.venue``; lists
stay JSON text. A JSON field whose name collides with an envelope column (``partition``, ``key``...)
is kept as ``value.<name>``: the envelope says where the record was, the payload cannot move it.

Every text value is first bounded by :func:`~core.workload.trace.json_scan.scan_json` (depth, fields,
bytes), so no parser below sees a hostile value. Then, fast path: Arrow's JSON reader over the chunk
as newline-delimited JSON with an *explicit* schema — the first chunk's (later chunks), or one
learned from a small sample (first chunk) whose distinct field names were counted first. Arrow's
own inference is never run on a whole chunk: it costs fields x rows, so values with distinct names
(a field per row) would take minutes and gigabytes. When Arrow refuses (a value spanning lines, a
field changing type or appearing late, a list, or bad JSON) a Python pass parses row by row — linear,
with the distinct-name bound checked as it goes — which also finds the bad row for the message.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pajson

from core.hashing import display_string
from core.workload.trace.columns import Fail
from core.workload.trace.json_scan import bytes_and_offsets, scan_json
from core.workload.trace.limits import MAX_JSON_DEPTH, MAX_JSON_FIELDS, MAX_LINE_BYTES

__all__ = ["expand_json", "is_json_column"]

# The sample that teaches the first chunk's schema: few rows and few fields, so inferring is cheap.
_SAMPLE_ROWS = 1_000
_SAMPLE_FIELDS = 20_000
# One thread, like the CSV reader: the simulation's workers already use the cores.
_SERIAL = pajson.ReadOptions(use_threads=False)


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


def expand_json(
    table: pa.Table, fail: Fail, schema: pa.Schema | None = None
) -> tuple[pa.Table, pa.Schema | None]:
    """``table`` with its ``value`` column replaced by the flattened fields, and the Arrow schema
    the values were read with (pass it back for the next chunk; None when Arrow was not used)."""
    column = table.column("value")
    if pa.types.is_struct(column.type):
        data = pa.table({"value": column})
        # flatten() opens one level; the schema check bounded the depth, so this loop ends soon.
        while any(pa.types.is_struct(t) for t in data.schema.types):
            data = data.flatten()
        data = data.rename_columns([n.removeprefix("value.") for n in data.column_names])
    else:
        texts = _bounded_text(column, fail)
        raw = _arrow_json(texts, schema)
        if raw is None:
            data, schema = _python_json(texts, fail), None
        else:
            data, schema = raw.flatten(), raw.schema
    rest = table.drop_columns(["value"])
    taken = set(rest.column_names)
    names = rest.column_names + [f"value.{n}" if n in taken else n for n in data.column_names]
    if data.num_columns > MAX_JSON_FIELDS:
        raise fail(
            f"the JSON values have {data.num_columns:,} distinct fields; a trace may have at most "
            f"{MAX_JSON_FIELDS:,}; export only the fields the query reads",
            None,
        )
    # One table built once: appending column by column copies the schema each time (quadratic).
    return pa.Table.from_arrays([*rest.columns, *data.columns], names=names), schema


def _bounded_text(column: pa.ChunkedArray, fail: Fail) -> pa.Array:
    texts = pc.fill_null(pc.utf8_trim_whitespace(column), "")
    texts = pc.if_else(pc.equal(texts, ""), "{}", texts)
    texts = texts.combine_chunks() if isinstance(texts, pa.ChunkedArray) else texts
    lengths = pc.binary_length(texts)
    if len(texts) and pc.max(lengths).as_py() > MAX_LINE_BYTES:
        row = int(np.flatnonzero(lengths.to_numpy(zero_copy_only=False) > MAX_LINE_BYTES)[0])
        raise fail(f"value is longer than {MAX_LINE_BYTES:,} bytes, the limit for one record", row)
    bounds = scan_json(texts)
    if bounds is not None:
        what = (f"nests {bounds.depth:,} levels deep; at most {MAX_JSON_DEPTH} are supported"
                if bounds.depth > MAX_JSON_DEPTH
                else f"has {bounds.fields:,} fields; at most {MAX_JSON_FIELDS:,} are supported")
        raise fail(f"the JSON value {what}; flatten the value or export only the fields the query reads",
                   bounds.row)
    return texts


def _arrow_json(texts: pa.Array, schema: pa.Schema | None) -> pa.Table | None:
    if _has_newline(texts):
        return None
    if schema is None:
        schema = _sample_schema(texts)
        if schema is None:
            return None
        behaviour = "error"  # a field the sample missed: let the bounded Python pass see it
    else:
        behaviour = "ignore"  # later chunks: the layout is fixed, new fields are not read
    options = pajson.ParseOptions(explicit_schema=schema, unexpected_field_behavior=behaviour)
    try:
        table = pajson.read_json(_ndjson(texts), read_options=_SERIAL, parse_options=options)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None
    if table.num_rows != len(texts) or any(_nested(t) for t in table.flatten().schema.types):
        return None
    return table


def _has_newline(texts: pa.Array) -> bool:
    data, _ = bytes_and_offsets(texts)
    return bool((data == ord("\n")).any())


def _ndjson(texts: pa.Array) -> pa.BufferReader:
    """The values as newline-delimited JSON, built natively: each value joined with "" by "\n"
    leaves value + newline, contiguous in the result's data buffer."""
    lines = pc.binary_join_element_wise(texts, pa.scalar("", texts.type), "\n")
    lines = lines.combine_chunks() if isinstance(lines, pa.ChunkedArray) else lines
    _, offsets_buf, data_buf = lines.buffers()
    width = 8 if pa.types.is_large_string(lines.type) else 4
    kind = np.int64 if width == 8 else np.int32
    offsets = np.frombuffer(offsets_buf, dtype=kind)[lines.offset: lines.offset + len(lines) + 1]
    if data_buf is None:
        return pa.BufferReader(b"")
    return pa.BufferReader(data_buf.slice(int(offsets[0]), int(offsets[-1] - offsets[0])))


def _sample_schema(texts: pa.Array) -> pa.Schema | None:
    # At most _SAMPLE_ROWS rows and about _SAMPLE_FIELDS fields (colons bound them), at least one row.
    colons = np.cumsum(pc.count_substring(texts.slice(0, _SAMPLE_ROWS), ":").to_numpy(zero_copy_only=False))
    rows = max(1, int(np.searchsorted(colons, _SAMPLE_FIELDS, side="right")))
    sample = texts.slice(0, rows).to_pylist()
    names: set[str] = set()
    for raw in sample:
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError:
            return None
        if not isinstance(obj, dict):
            return None
        names.update(_flatten(obj))
        if len(names) > MAX_JSON_FIELDS:
            return None  # the Python pass names the row
    try:
        return pajson.read_json(_ndjson(texts.slice(0, rows)), read_options=_SERIAL).schema
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None


def _nested(kind: pa.DataType) -> bool:
    return pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_struct(kind)


def _flatten(obj: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    # Recursion is safe: scan_json bounded the depth before json.loads built obj.
    out: dict[str, Any] = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):  # json.loads makes dicts; an ABC check costs 4x per cell
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = json.dumps(value) if isinstance(value, list) else value
    return out


def _python_json(texts: pa.Array, fail: Fail) -> pa.Table:
    rows: list[dict[str, Any]] = []
    names: dict[str, None] = {}
    for i, raw in enumerate(texts.to_pylist()):
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
        row = _flatten(obj)
        names.update(dict.fromkeys(row))
        if len(names) > MAX_JSON_FIELDS:
            raise fail(
                f"the JSON values so far have {len(names):,} distinct fields; a trace may have at most "
                f"{MAX_JSON_FIELDS:,}; export only the fields the query reads",
                i,
            )
        rows.append(row)
    arrays = {}
    for name in names:
        values = [row.get(name) for row in rows]
        try:
            arrays[name] = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            # A field with mixed types (1 here, "x" there) or out of every Arrow type is kept as text.
            arrays[name] = pa.array([None if v is None else display_string(v) for v in values], pa.string())
    return pa.table(arrays)
