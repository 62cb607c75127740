"""Chunked readers for trace files: CSV, kcat-style CSV with raw JSON values, Parquet.

Each reader yields ``(first_row, table, lines)``: the 0-based index of the chunk's first data row,
an Arrow table with the *file's* column names (CSV cells as text, converted later), and for
line-oriented files the 1-based line number of every row (None when rows map to lines as
``row + 2``, or for Parquet), so errors can point at the exact place.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from core.errors import TraceError

__all__ = ["Chunk", "TraceReader", "CsvReader", "KcatReader", "ParquetReader", "open_reader"]

Chunk = tuple[int, pa.Table, np.ndarray | None]
# A byte that never occurs in text traces: reading with it as delimiter yields whole lines.
_NO_DELIMITER = "\x1f"


class TraceReader:
    """Base: a file, its column names, and chunked tables of selected columns."""

    def __init__(self, path: Path, columns: list[str]) -> None:
        self.path = path
        self.columns = columns
        dupes = sorted({c for c in columns if columns.count(c) > 1})
        if dupes:
            raise TraceError(
                f"{path}: column(s) {', '.join(map(repr, dupes))} appear more than once in the "
                "header; rename them so each column is unique"
            )

    def tables(self, columns: Sequence[str] | None, chunk_rows: int) -> Iterator[Chunk]:
        raise NotImplementedError


class CsvReader(TraceReader):
    """Plain CSV (quoted fields allowed), every column read as text."""

    def tables(self, columns: Sequence[str] | None, chunk_rows: int) -> Iterator[Chunk]:
        wanted = list(columns) if columns is not None else self.columns
        bad: list[pacsv.InvalidRow] = []

        def on_invalid(row: pacsv.InvalidRow) -> str:
            bad.append(row)
            return "error"

        try:
            reader = pacsv.open_csv(
                self.path,
                # Our own (trimmed) header names, so include_columns matches what the caller saw.
                read_options=pacsv.ReadOptions(
                    use_threads=False, skip_rows=1, column_names=self.columns,
                    block_size=_block_size(self.path, chunk_rows),
                ),
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
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            if bad:
                row = bad[0]
                raise TraceError(
                    f"{self.path}: line {row.number}: expected {row.expected_columns} fields like the "
                    f"header, found {row.actual_columns} ({row.text[:80]!r}); fix or remove the ragged row"
                ) from None
            raise _text_error(self.path, exc) from None


class KcatReader(TraceReader):
    """``kcat -f '%p,%o,%k,%T,%s\\n'`` output plus a header: the last column (the value, often
    JSON with commas) takes everything after the previous column's comma, unquoted."""

    def tables(self, columns: Sequence[str] | None, chunk_rows: int) -> Iterator[Chunk]:
        width = len(self.columns)
        try:
            reader = pacsv.open_csv(
                self.path,
                read_options=pacsv.ReadOptions(
                    use_threads=False, skip_rows=1, column_names=["line"],
                    block_size=_block_size(self.path, chunk_rows),
                ),
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
                        f"{self.path}: line {numbers[row]}: expected {width} fields like the header, found "
                        f"{counts[row]} ({lines[row].as_py()[:80]!r}); fix or remove the ragged row"
                    )
                table = pa.table({name: pc.list_element(parts, i) for i, name in enumerate(self.columns)})
                if columns is not None:
                    table = table.select(list(columns))
                yield first, table, numbers
                first += table.num_rows
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            raise _text_error(self.path, exc) from None


class ParquetReader(TraceReader):
    def __init__(self, path: Path) -> None:
        try:
            self.file = pq.ParquetFile(path)
        except (pa.ArrowException, OSError) as exc:
            raise TraceError(
                f"{path}: not a readable Parquet file ({exc}); re-export it or use CSV"
            ) from None
        super().__init__(path, list(self.file.schema_arrow.names))

    def tables(self, columns: Sequence[str] | None, chunk_rows: int) -> Iterator[Chunk]:
        first = 0
        try:
            for record_batch in self.file.iter_batches(batch_size=chunk_rows, columns=columns):
                yield first, pa.Table.from_batches([record_batch]), None
                first += record_batch.num_rows
        except (pa.ArrowException, OSError) as exc:
            raise TraceError(
                f"{self.path}: corrupt Parquet data after row {first} ({exc}); re-export the file"
            ) from None


def _text_error(path: Path, exc: Exception) -> TraceError:
    if isinstance(exc, UnicodeDecodeError) or "UTF8" in str(exc) or "UTF-8" in str(exc):
        return TraceError(f"{path}: not UTF-8 text ({exc}); re-export the trace as UTF-8")
    return TraceError(f"{path}: cannot read the CSV ({exc}); check that it is UTF-8 CSV with a header line")


def _open_binary(path: Path) -> gzip.GzipFile | io.BufferedReader:
    # pyarrow decompresses *.gz by itself; our own peeks (header, line length) must do the same.
    return gzip.open(path, "rb") if path.suffix.lower() == ".gz" else path.open("rb")


def _block_size(path: Path, rows: int) -> int:
    """Bytes pyarrow should read per block so a block holds about ``rows`` rows."""
    with _open_binary(path) as handle:
        sample = handle.read(1 << 16)
    per_line = len(sample) / max(1, sample.count(b"\n"))
    return int(min(max(per_line * rows * 1.1, 1 << 16), 1 << 28))


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


def _read_header(path: Path) -> tuple[list[str], str | None]:
    """Header names and the first non-empty data line (for sniffing), as text."""
    try:
        # utf-8-sig: spreadsheet exports start with a byte-order mark that would hide "partition".
        with io.TextIOWrapper(_open_binary(path), encoding="utf-8-sig", newline="") as handle:
            header_line = handle.readline()
            first_data = None
            for line in handle:
                if line.strip():
                    first_data = line.rstrip("\r\n")
                    break
    except UnicodeDecodeError as exc:
        raise TraceError(f"{path}: not UTF-8 text ({exc}); re-export the trace as UTF-8") from None
    except (gzip.BadGzipFile, EOFError) as exc:
        raise TraceError(
            f"{path}: not a readable gzip file ({exc}); re-compress it or give plain CSV"
        ) from None
    if not header_line.strip():
        raise TraceError(
            f"{path}: the file is empty; a trace needs a header line (partition,offset,key,"
            "timestamp,...) and at least one record"
        )
    header = next(csv.reader([header_line.rstrip("\r\n")]))
    return [h.strip() for h in header], first_data


def open_reader(path: Path, rename: dict[str, str]) -> TraceReader:
    """The reader for ``path`` (by suffix, else by Parquet's magic bytes). ``rename`` maps file
    columns to trace names; it is needed here to recognize the kcat shape's ``value`` column."""
    with path.open("rb") as handle:
        magic = handle.read(4)
    if path.suffix.lower() in (".parquet", ".pq") or magic == b"PAR1":
        return ParquetReader(path)
    header, first_data = _read_header(path)
    # kcat writes the value raw: a JSON object's commas look like extra fields.
    if header and rename.get(header[-1], header[-1]) == "value" and first_data is not None:
        parts = first_data.split(",", len(header) - 1)
        if len(parts) == len(header) and parts[-1].lstrip().startswith(("{", "[")):
            return KcatReader(path, header)
    return CsvReader(path, header)
