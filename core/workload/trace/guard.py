"""Byte-level checks on text traces before pyarrow's CSV reader sees them.

:class:`CheckedStream` is the file object pyarrow reads from: it refuses NUL bytes (no text trace
holds them; a sparse all-NUL file would otherwise be read as one 2 GB line) and any line longer
than :data:`MAX_LINE_BYTES`. Both checks are ``bytes.find`` (memchr) over windows of that size,
so normal reading stays at disk speed. gzip is decompressed here (pyarrow's own decompression
would bypass the checks); a truncated or corrupt gzip stream becomes a TraceError. Memory: one block
of what pyarrow asks for (at most 64 MiB); the header is read through a 64 KiB buffer, so a file
that is NULs from byte 0 is refused after 64 KiB.
"""

from __future__ import annotations

import codecs
import gzip
import io
import zlib
from pathlib import Path

from core.errors import TraceError
from core.workload.trace.limits import MAX_LINE_BYTES

__all__ = ["CheckedStream", "open_text", "read_head"]

_WINDOW = MAX_LINE_BYTES


def open_text(path: Path) -> io.BufferedIOBase:
    """The file's bytes (decompressed for ``*.gz``), as written, unchecked."""
    # gzip.open owns (and closes) the file it opens; GzipFile(fileobj=...) would leave it open.
    return gzip.open(path, "rb") if path.suffix.lower() == ".gz" else path.open("rb")  # type: ignore[return-value]


def _gzip_failure(path: Path) -> TraceError:
    return TraceError(
        f"{path.name}: not a readable gzip file (truncated or corrupt compressed data); "
        "re-compress it or give plain CSV"
    )


class CheckedStream(io.RawIOBase):
    """A read-only byte stream that raises TraceError at the first NUL or over-long line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._source = open_text(path)
        self._offset = 0  # bytes delivered so far (decompressed)
        self._line_start = 0  # offset of the current line's first byte
        self._utf8 = codecs.getincrementaldecoder("utf-8")()

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._source.close()
        super().close()

    def read(self, size: int = -1) -> bytes:
        try:
            data = self._source.read(size if size is not None and size >= 0 else -1)
        except (gzip.BadGzipFile, EOFError, zlib.error):
            raise _gzip_failure(self.path) from None
        except OSError as exc:
            reason = exc.strerror or "I/O error"
            raise TraceError(f"{self.path.name}: cannot be read ({reason})") from None
        self._check(data)
        return data

    def _check_utf8(self, data: bytes) -> None:
        # Validated here so no invalid text reaches pyarrow (whose invalid-row callback cannot even
        # build its message from it). isascii() is a word-at-a-time scan: ASCII traces pay ~nothing.
        if data and data.isascii():
            return
        try:
            self._utf8.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            raise TraceError(
                f"{self.path.name}: not UTF-8 text (byte {max(0, self._offset + exc.start):,} is invalid); "
                "re-export the trace as UTF-8"
            ) from None

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _check(self, data: bytes) -> None:
        self._check_utf8(data)
        nul = data.find(b"\0")
        if nul >= 0:
            raise TraceError(
                f"{self.path.name}: byte {self._offset + nul:,} is a NUL byte; a CSV trace is UTF-8 "
                "text without NULs (is this a binary or sparse file?); export the trace as CSV text"
            )
        # In windows of MAX_LINE_BYTES a line longer than that must cross a window edge with no
        # newline before it, so checking each window's first newline against the line start is exact.
        # find() with bounds is memchr on a slice of the same buffer: no copy, no per-line work.
        for start in range(0, len(data), _WINDOW):
            end = min(start + _WINDOW, len(data))
            first = data.find(b"\n", start, end)
            edge = self._offset + (end if first < 0 else first)
            if edge - self._line_start > MAX_LINE_BYTES:
                raise TraceError(
                    f"{self.path.name}: the line starting at byte {self._line_start:,} is longer than "
                    f"{MAX_LINE_BYTES:,} bytes, the limit for one trace record; is this a trace (one "
                    "record per line)? Split the value or drop the column"
                )
            if first >= 0:
                self._line_start = self._offset + data.rfind(b"\n", start, end) + 1
        self._offset += len(data)


def read_head(path: Path) -> tuple[bytes, bytes | None]:
    """The header line and the first non-blank data line as bytes (bounded, checked)."""
    stream = CheckedStream(path)
    try:
        buffered = io.BufferedReader(stream, buffer_size=1 << 16)
        header = buffered.readline(MAX_LINE_BYTES + 1)
        first = None
        while True:
            line = buffered.readline(MAX_LINE_BYTES + 1)
            if not line:
                break
            if line.strip():
                first = line
                break
    finally:
        stream.close()
    return header, first
