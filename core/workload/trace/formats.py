"""Chunked readers for trace files: CSV, kcat-style CSV with raw JSON values, Parquet.

Each reader yields ``(first_row, table, lines)``: the 0-based index of the chunk's first data row,
an Arrow table with the *file's* column names (CSV cells as text, converted later), and for
line-oriented files the 1-based line number of every row (None when rows map to lines as
``row + 2``, or for Parquet), so errors can point at the exact place.

Text files reach pyarrow only through :class:`~core.workload.trace.guard.CheckedStream` (no NUL,
bounded lines) and only after the header passed :func:`_parse_header` (UTF-8, a bounded number of
columns). Messages name the file by its base name (no server paths) and quote the header only when
it reads as column names, so a non-trace file given by mistake is never echoed.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from core.errors import TraceError
from core.workload.trace.guard import CheckedStream, read_head
from core.workload.trace.limits import MAX_COLUMNS, MAX_LINE_BYTES

__all__ = ["Chunk", "TraceReader", "CsvReader", "KcatReader", "ParquetReader", "open_reader"]

Chunk = tuple[int, pa.Table, np.ndarray | None]
# A byte that never occurs in text traces: reading with it as delimiter yields whole lines.
_NO_DELIMITER = "\x1f"
# What a column name looks like; a first line that is not made of such names is not a header.
_NAME = re.compile(r"[\w .\-]{0,128}")
_EXPECTED_HEADER = (
    "expected a header row naming the columns, such as partition,offset,key,timestamp,value "
    "(letters, digits, '_', '.', '-')"
)


class TraceReader:
    """Base: a file, its column names, and chunked tables of selected columns."""

    def __init__(self, path: Path, columns: list[str]) -> None:
        self.path = path
        self.name = path.name
        self.columns = columns
        self.header_is_names = all(_NAME.fullmatch(c) for c in columns)
        dupes = sorted(c for c, n in Counter(columns).items() if n > 1)
        if dupes:
            which = f"column(s) {', '.join(map(repr, dupes[:10]))}" if self.header_is_names else "columns"
            raise TraceError(
                f"{self.name}: {which} appear more than once in the header; rename them so each "
                "column is unique"
            )

    def describe_columns(self) -> str:
        """The header for a message: the names, or (for a file that is no trace) no content at all."""
        if not self.header_is_names:
            return f"none readable: the first line is not a header ({_EXPECTED_HEADER})"
        shown = ", ".join(self.columns[:50])
        more = f" and {len(self.columns) - 50} more" if len(self.columns) > 50 else ""
        return (shown or "(none)") + more

    def tables(self, columns: Sequence[str] | None, chunk_rows: int) -> Iterator[Chunk]:
        raise NotImplementedError

    _stream: CheckedStream | None = None

    def _close(self) -> None:
        # pyarrow holds the stream; closing it here, not at garbage collection, frees the file now.
        if self._stream is not None:
            self._stream.close()
            self._stream = None


def _open_csv(stream: CheckedStream, chunk_rows: int, **options: object) -> pacsv.CSVStreamingReader:
    read = options.pop("read_options")
    assert isinstance(read, dict)
    return pacsv.open_csv(
        stream,
        read_options=pacsv.ReadOptions(use_threads=False, skip_rows=1,
                                       block_size=_block_size(stream.path, chunk_rows), **read),
        **options,  # type: ignore[arg-type]
    )


class CsvReader(TraceReader):
    """Plain CSV (quoted fields allowed), every column read as text."""

    def tables(self, columns: Sequence[str] | None, chunk_rows: int) -> Iterator[Chunk]:
        wanted = list(columns) if columns is not None else self.columns
        bad: list[pacsv.InvalidRow] = []

        def on_invalid(row: pacsv.InvalidRow) -> str:
            bad.append(row)
            return "error"

        try:
            stream = self._stream = CheckedStream(self.path)
            reader = _open_csv(
                stream, chunk_rows,
                # Our own (trimmed) header names, so include_columns matches what the caller saw.
                read_options={"column_names": self.columns},
                parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid),
                convert_options=pacsv.ConvertOptions(
                    include_columns=wanted,
                    column_types=dict.fromkeys(wanted, pa.string()),
                    strings_can_be_null=False,
                ),
            )
            first = 0
            for table in _rechunk(reader, chunk_rows):
                yield first, table, None
                first += table.num_rows
        except (pa.ArrowException, UnicodeDecodeError) as exc:
            if bad:
                row = bad[0]
                raise TraceError(
                    f"{self.name}: line {row.number}: expected {row.expected_columns} fields like the "
                    f"header, found {row.actual_columns} ({row.text[:80]!r}); fix or remove the ragged row"
                ) from None
            raise _text_error(self.name, exc) from None
        finally:
            self._close()


class KcatReader(TraceReader):
    """``kcat -f '%p,%o,%k,%T,%s\\n'`` output plus a header: the last column (the value, often
    JSON with commas) takes everything after the previous column's comma, unquoted."""

    def tables(self, columns: Sequence[str] | None, chunk_rows: int) -> Iterator[Chunk]:
        width = len(self.columns)
        try:
            stream = self._stream = CheckedStream(self.path)
            reader = _open_csv(
                stream, chunk_rows,
                read_options={"column_names": ["line"]},
                parse_options=pacsv.ParseOptions(
                    delimiter=_NO_DELIMITER, quote_char=False, ignore_empty_lines=False
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types={"line": pa.string()}, strings_can_be_null=False
                ),
            )
            first, line_no = 0, 2  # line 1 is the header
            for table in _rechunk(reader, chunk_rows):
                lines = table.column("line")
                numbers = np.arange(line_no, line_no + len(lines), dtype=np.int64)
                line_no += len(lines)
                keep = pc.not_equal(pc.utf8_trim_whitespace(lines), "")
                lines, numbers = lines.filter(keep), numbers[keep.to_numpy(zero_copy_only=False)]
                if not len(lines):
                    continue
                parts = pc.split_pattern(lines, ",", max_splits=width - 1)
                counts = pc.list_value_length(parts).to_numpy(zero_copy_only=False)
                if (counts != width).any():
                    row = int(np.flatnonzero(counts != width)[0])
                    raise TraceError(
                        f"{self.name}: line {numbers[row]}: expected {width} fields like the header, found "
                        f"{counts[row]} ({lines[row].as_py()[:80]!r}); fix or remove the ragged row"
                    )
                table = pa.table({name: pc.list_element(parts, i) for i, name in enumerate(self.columns)})
                if columns is not None:
                    table = table.select(list(columns))
                yield first, table, numbers
                first += table.num_rows
        except (pa.ArrowException, UnicodeDecodeError) as exc:
            raise _text_error(self.name, exc) from None
        finally:
            self._close()


class ParquetReader(TraceReader):
    def __init__(self, path: Path) -> None:
        try:
            self.file = pq.ParquetFile(path)
            names = list(self.file.schema_arrow.names)
        except (pa.ArrowException, OSError, ValueError, TypeError, MemoryError):
            raise TraceError(
                f"{path.name}: not a readable Parquet file (bad footer or schema); re-export it or use CSV"
            ) from None
        super().__init__(path, names)

    def tables(self, columns: Sequence[str] | None, chunk_rows: int) -> Iterator[Chunk]:
        first = 0
        try:
            for record_batch in self.file.iter_batches(batch_size=chunk_rows, columns=columns):
                yield first, pa.Table.from_batches([record_batch]), None
                first += record_batch.num_rows
        except (pa.ArrowException, OSError, ValueError, MemoryError) as exc:
            raise TraceError(
                f"{self.name}: corrupt Parquet data after row {first} ({type(exc).__name__}); "
                "re-export the file"
            ) from None


def _text_error(name: str, exc: Exception) -> TraceError:
    text = str(exc)
    if isinstance(exc, UnicodeDecodeError) or "UTF8" in text or "UTF-8" in text:
        return TraceError(f"{name}: not UTF-8 text; re-export the trace as UTF-8")
    # pyarrow's first line only: later lines may quote whole rows of the file.
    reason = text.splitlines()[0][:120] if text else type(exc).__name__
    return TraceError(
        f"{name}: cannot read the CSV ({reason}); check that it is UTF-8 CSV with a header line"
    )


def _block_size(path: Path, rows: int) -> int:
    """Bytes pyarrow should read per block so a block holds about ``rows`` rows (at most 64 MiB,
    at least one maximal line)."""
    stream = CheckedStream(path)
    try:
        sample = stream.read(1 << 16)
    finally:
        stream.close()
    per_line = len(sample) / max(1, sample.count(b"\n"))
    return int(min(max(per_line * rows * 1.1, 1 << 16, 2 * MAX_LINE_BYTES), 1 << 26))


def _rechunk(batches: Iterator[pa.RecordBatch], rows: int) -> Iterator[pa.Table]:
    """Exactly ``rows`` rows per table (the last may be shorter): pyarrow reads by bytes."""
    pending: list[pa.RecordBatch] = []
    held = 0
    for batch in batches:
        pending.append(batch)
        held += batch.num_rows
        while held >= rows:
            table = pa.Table.from_batches(pending)
            yield table.slice(0, rows)
            rest = table.slice(rows)
            pending, held = rest.to_batches(), rest.num_rows
    if held:
        yield pa.Table.from_batches(pending)


def _decode(name: str, data: bytes, what: str) -> str:
    try:
        # utf-8-sig: spreadsheet exports start with a byte-order mark that would hide "partition".
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TraceError(
            f"{name}: not UTF-8 text (byte {exc.start:,} of the {what} is invalid); re-export the trace "
            "as UTF-8"
        ) from None


def _parse_header(path: Path) -> tuple[list[str], str | None]:
    """Header names and the first non-empty data line (for sniffing), as text."""
    head, first = read_head(path)
    header_line = _decode(path.name, head, "header").rstrip("\r\n")
    if not header_line.strip():
        raise TraceError(
            f"{path.name}: the file is empty; a trace needs a header line (partition,offset,key,"
            "timestamp,...) and at least one record"
        )
    # The header is at most MAX_LINE_BYTES (guard), so counting commas bounds the work up front.
    if header_line.count(",") >= MAX_COLUMNS:
        raise TraceError(
            f"{path.name}: the header has {header_line.count(',') + 1:,} columns; a trace may have at most "
            f"{MAX_COLUMNS:,}; export only the columns the query reads"
        )
    try:
        header = next(csv.reader([header_line]))
    except csv.Error:
        raise TraceError(f"{path.name}: not a CSV trace: {_EXPECTED_HEADER}") from None
    first_data = None if first is None else _decode(path.name, first, "first record").rstrip("\r\n")
    return [h.strip() for h in header], first_data


def open_reader(path: Path, rename: dict[str, str]) -> TraceReader:
    """The reader for ``path`` (by suffix, else by Parquet's magic bytes). ``rename`` maps file
    columns to trace names; it is needed here to recognize the kcat shape's ``value`` column."""
    with path.open("rb") as handle:
        magic = handle.read(4)
    if path.suffix.lower() in (".parquet", ".pq") or magic == b"PAR1":
        return ParquetReader(path)
    header, first_data = _parse_header(path)
    # kcat writes the value raw: a JSON object's commas look like extra fields.
    if header and rename.get(header[-1], header[-1]) == "value" and first_data is not None:
        parts = first_data.split(",", len(header) - 1)
        if len(parts) == len(header) and parts[-1].lstrip().startswith(("{", "[")):
            return KcatReader(path, header)
    return CsvReader(path, header)
