"""Replaying recorded Kafka traffic (CSV or Parquet) as columnar batches: :func:`read_trace`.

A trace has one row per record: ``partition`` (required), optionally ``offset``, ``key``,
``timestamp`` (epoch ms or ISO-8601), and either plain data columns or a ``value`` column holding a
JSON object that is flattened into columns (nested fields as ``a.b``). That is what
``kcat -C -f '%p,%o,%k,%T,%s\\n'`` writes once a header line is added; the raw, unquoted JSON
there is understood too. ``column_map`` renames file columns (``{"ts": "timestamp"}``). CSV may be
gzipped (``*.csv.gz``).

``read_trace`` validates up front (file, header, every partition value, the first chunk's columns)
and counts records with one cheap scan of the partition column; :meth:`Trace.batches` then reads
the file again in chunks. Problems only visible deeper in the data (bad JSON, a non-number in a
numeric column) raise :class:`TraceError` from ``batches()`` with the row.

Column kinds are decided from the first chunk and then fixed: text -> categorical (codes + a vocab
that grows across chunks, see :mod:`core.workload.trace.columns`), numbers -> values; ``key`` and
``key_columns`` are always categorical, and integer columns the query needs get both. JSON fields
first seen after the first chunk are ignored; fields missing from a later chunk read as null. Nulls
(and empty CSV cells, which CSV cannot tell from NULL) are the key ``"null"`` / the value NaN.
Without ``offset`` offsets are numbered per partition; without ``timestamp`` event time is the
record's position in the file (1 ms apart).

Traces are untrusted (the dashboard takes uploads). Before pyarrow sees a text file, the header is
read bounded and checked (UTF-8, at most ``limits.MAX_COLUMNS`` columns, names that look like
names), and every byte passes a stream that refuses NULs, invalid UTF-8 and lines over
``limits.MAX_LINE_BYTES``; JSON values are bounded in depth and fields before any JSON parser;
Parquet column types are checked from the schema; envelope numbers are range-checked before any
cast. Whatever still fails inside a library becomes a TraceError (``guarded``). Messages name the
file by its base name and quote only a trace's own column names and cells.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from numbers import Integral
from os import PathLike
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from core.errors import TraceError
from core.limits import MAX_PARTITIONS
from core.workload.batch import Batch
from core.workload.producers import OffsetCounter
from core.workload.trace.columns import (
    CategoricalCodec,
    Fail,
    check_partitions,
    looks_numeric,
    to_event_time,
    to_numeric,
    to_offsets,
)
from core.workload.trace.formats import Chunk, ParquetReader, TraceReader, open_reader
from core.workload.trace.guarded import guarded
from core.workload.trace.json_values import expand_json, is_json_column
from core.workload.trace.schema import check_parquet_schema

__all__ = ["Trace", "read_trace", "ENVELOPE_COLUMNS"]

ENVELOPE_COLUMNS = ("partition", "offset", "key", "timestamp", "value")


@dataclass(frozen=True)
class _Layout:
    """What the first chunk told us about the columns, fixed for the whole trace."""

    file_columns: dict[str, str]  # trace name -> file column
    json_value: bool
    categorical: tuple[str, ...]
    numeric: tuple[str, ...]
    aliases: tuple[tuple[str, str], ...]  # required spelling -> trace column
    json_schema: pa.Schema | None = None  # how the first chunk's JSON values were read


@dataclass(frozen=True)
class Trace:
    """A validated trace: ``partitions`` (given, or max + 1), ``records``, data ``columns``
    (categorical and numeric; ``key`` included when present) and :meth:`batches`."""

    path: Path
    partitions: int
    records: int
    columns: tuple[str, ...]
    categorical: tuple[str, ...]
    numeric: tuple[str, ...]
    has_timestamp: bool
    has_offset: bool
    chunk_rows: int = 200_000
    _reader: TraceReader = field(repr=False, compare=False, default=None)  # type: ignore[assignment]
    _layout: _Layout = field(repr=False, compare=False, default=None)  # type: ignore[assignment]

    def batches(self) -> Iterator[Batch]:
        """Read the trace again, chunk by chunk; codes are stable across batches (growing vocab)."""
        return _Replay(self).run()


class _Chunks:
    """Shared plumbing: read chunks with trace names, locate rows for error messages."""

    def __init__(self, reader: TraceReader, rename: Mapping[str, str]) -> None:
        self.reader, self.rename = reader, dict(rename)

    def iterate(self, names: Sequence[str] | None, chunk_rows: int) -> Iterator[Chunk]:
        inverse = {v: k for k, v in self.rename.items()}
        file_cols = None if names is None else [inverse.get(n, n) for n in names]
        for first, table, lines in self.reader.tables(file_cols, chunk_rows):
            yield first, table.rename_columns([self.rename.get(c, c) for c in table.column_names]), lines

    def where(self, first: int, lines: np.ndarray | None, row: int | None) -> str:
        name = self.reader.name
        if row is None:
            return name
        data_row = first + row + 1
        if lines is not None:
            return f"{name}: line {int(lines[row])} (data row {data_row})"
        if isinstance(self.reader, ParquetReader):
            return f"{name}: row {data_row}"
        # Data row r sits on line r + 1 (after the header) unless a quoted cell spans lines.
        return f"{name}: data row {data_row} (line {data_row + 1})"


def read_trace(
    path: str | PathLike[str],
    *,
    column_map: Mapping[str, str] | None = None,
    partitions: int | None = None,
    required_columns: Sequence[str] = (),
    chunk_rows: int = 200_000,
    key_columns: Sequence[str] = (),
) -> Trace:
    """Open and validate a trace. ``column_map`` maps file column -> trace name (the other direction
    is accepted when unambiguous). ``required_columns`` are the columns the query needs (checked
    case-insensitively; a different spelling is served as an alias). Integer columns named in
    ``required_columns`` or ``key_columns`` get codes *and* values (usable as keys and in
    aggregates); ``key_columns`` are always categorical."""
    file = Path(path)
    # Messages name the file by its base name: a server's temp directory is nobody's business.
    name = file.name
    if not file.exists():
        raise TraceError(f"{name}: no such trace file; check the path")
    if not file.is_file():
        raise TraceError(f"{name}: not a file; give the path of a .csv or .parquet trace")
    if partitions is not None and (
        isinstance(partitions, bool)
        or not isinstance(partitions, Integral)
        or not 1 <= partitions <= MAX_PARTITIONS
    ):
        raise TraceError(f"{name}: partitions must be between 1 and {MAX_PARTITIONS:,}, got {partitions!r}")
    if chunk_rows < 1:
        raise TraceError(f"{name}: chunk_rows must be >= 1, got {chunk_rows}")
    with guarded(name):
        return _open(file, column_map or {}, partitions, required_columns, chunk_rows, key_columns)


def _open(file: Path, column_map: Mapping[str, str], partitions: int | None, required_columns: Sequence[str],
          chunk_rows: int, key_columns: Sequence[str]) -> Trace:
    name = file.name
    try:
        reader = open_reader(file, dict(column_map))
    except PermissionError:
        raise TraceError(
            f"{name}: cannot be read (permission denied); check the file's permissions"
        ) from None
    except IsADirectoryError:
        raise TraceError(f"{name}: not a file; give the path of a .csv or .parquet trace") from None
    rename = _resolve_map(reader, dict(column_map))
    names = [rename.get(c, c) for c in reader.columns]
    if "partition" not in names:
        if not reader.header_is_names:
            raise TraceError(
                f"{name}: not a trace: {reader.describe_columns().removeprefix('none readable: ')}; "
                "the first column is usually partition. Is this the right file?"
            )
        raise TraceError(
            f"{name}: no 'partition' column; columns found: {reader.describe_columns()}. "
            "Every record needs the partition it was read from; rename the column in the file or pass "
            "column_map={'<your column>': 'partition'} (CLI/dashboard: the column mapping)"
        )
    if isinstance(reader, ParquetReader):
        check_parquet_schema(name, reader.file.schema_arrow, rename)
    chunks = _Chunks(reader, rename)

    records, top = 0, -1
    for first, table, lines in chunks.iterate(["partition"], chunk_rows):
        parts = check_partitions(table.column("partition"), _failer(chunks, first, lines), partitions)
        records += len(parts)
        if len(parts):
            top = max(top, int(parts.max()))
    if records == 0:
        raise TraceError(
            f"{name}: the trace has no records (only a header, or nothing); export some traffic first"
        )

    first, table, lines = next(chunks.iterate(None, chunk_rows))
    layout = _layout(table, chunks, first, lines, names, rename, required_columns, key_columns)
    data = (*layout.categorical, *(c for c in layout.numeric if c not in layout.categorical))
    return Trace(
        path=file,
        partitions=int(partitions) if partitions is not None else top + 1,
        records=records,
        columns=data,
        categorical=layout.categorical,
        numeric=layout.numeric,
        has_timestamp="timestamp" in names,
        has_offset="offset" in names,
        chunk_rows=chunk_rows,
        _reader=reader,
        _layout=layout,
    )


def _resolve_map(reader: TraceReader, column_map: dict[str, str]) -> dict[str, str]:
    rename: dict[str, str] = {}
    for a, b in column_map.items():
        if a in reader.columns:
            rename[a] = b
        elif b in reader.columns and a not in reader.columns:
            rename[b] = a  # given as trace name -> file column
        else:
            raise TraceError(
                f"{reader.name}: column_map names {a!r} -> {b!r}, but neither is a column of the file; "
                f"columns found: {reader.describe_columns()}"
            )
    return rename


def _failer(chunks: _Chunks, first: int, lines: np.ndarray | None) -> Fail:
    return lambda message, row: TraceError(f"{chunks.where(first, lines, row)}: {message}")


def _layout(
    table: pa.Table,
    chunks: _Chunks,
    first: int,
    lines: np.ndarray | None,
    names: list[str],
    rename: dict[str, str],
    required: Sequence[str],
    key_columns: Sequence[str],
) -> _Layout:
    json_value = "value" in table.column_names and is_json_column(table.column("value"))
    wide, json_schema = expand_json(table, _failer(chunks, first, lines)) if json_value else (table, None)
    data = [c for c in wide.column_names if c not in ("partition", "offset", "timestamp")]
    lower = {c.lower(): c for c in data}
    aliases = []
    for need in required:
        if need in data:
            continue
        if need.lower() in lower:
            aliases.append((need, lower[need.lower()]))
            continue
        raise TraceError(
            f"{chunks.reader.name}: the query needs column {need!r}, which the trace does not have; "
            f"columns available: {', '.join(data) or '(none)'}. Map it with column_map or export it"
        )
    wanted = {c for c in data if c in key_columns or c in required} | {t for _, t in aliases}
    categorical, numeric = [], []
    for col in data:
        numeric_like = col != "key" and col not in key_columns and looks_numeric(wide.column(col))
        if numeric_like:
            numeric.append(col)
            values = to_numeric(wide.column(col), _failer(chunks, first, lines), col)
            if col in wanted and values.dtype.kind == "i":
                categorical.append(col)
        else:
            categorical.append(col)
    file_columns = {n: f for f, n in ((c, rename.get(c, c)) for c in chunks.reader.columns)}
    return _Layout(file_columns, json_value, tuple(categorical), tuple(numeric), tuple(aliases), json_schema)


class _Replay:
    """One pass over a trace: chunk frames -> batches, with per-column codecs and offsets."""

    def __init__(self, trace: Trace) -> None:
        self.trace = trace
        self.layout = trace._layout
        self.chunks = _Chunks(trace._reader, {f: n for n, f in self.layout.file_columns.items() if f != n})
        self.codecs = {c: CategoricalCodec() for c in self.layout.categorical}
        self.offsets = None if trace.has_offset else OffsetCounter(trace.partitions)
        # CSV cannot tell NULL from "": an empty cell is NULL (the "null" key, as in SQL's NULL group).
        self.blank_is_null = not isinstance(trace._reader, ParquetReader)

    def run(self) -> Iterator[Batch]:
        with guarded(self.trace.path.name):
            for first, table, lines in self.chunks.iterate(None, self.trace.chunk_rows):
                yield self._batch(first, table, lines)

    def _batch(self, first: int, table: pa.Table, lines: np.ndarray | None) -> Batch:
        fail = _failer(self.chunks, first, lines)
        wide = expand_json(table, fail, self.layout.json_schema)[0] if self.layout.json_value else table
        partition = check_partitions(wide.column("partition"), fail, self.trace.partitions)
        if self.offsets is not None:
            offset = self.offsets.assign(partition)
        else:
            offset = to_offsets(wide.column("offset"), fail)
        if self.trace.has_timestamp:
            event_time = to_event_time(wide.column("timestamp"), fail)
        else:
            # No timestamps recorded: one record per millisecond in file order keeps windows meaningful.
            event_time = np.arange(first, first + wide.num_rows, dtype=np.int64)
        codes, vocab, values = {}, {}, {}
        present = set(wide.column_names)
        # A JSON field the first chunk had but this one lacks: nulls ("null" key, NaN value).
        for col in self.layout.categorical:
            column = wide.column(col) if col in present else pa.nulls(wide.num_rows, pa.string())
            if self.blank_is_null and pa.types.is_string(column.type):
                column = pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)
            codes[col] = self.codecs[col].encode(column)
            vocab[col] = self.codecs[col].vocab
        for col in self.layout.numeric:
            if col in present:
                values[col] = to_numeric(wide.column(col), fail, col)
            else:
                values[col] = np.full(wide.num_rows, np.nan)
        for alias, target in self.layout.aliases:
            for store in (codes, vocab, values):
                if target in store:
                    store[alias] = store[target]  # type: ignore[index]
        return Batch(
            partition=partition, offset=offset, event_time=event_time, codes=codes, vocab=vocab, values=values
        )
