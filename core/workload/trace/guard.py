"""Byte-level checks on text traces before pyarrow's CSV reader sees them.

:class:`CheckedStream` is the file object pyarrow reads from: it refuses NUL bytes (no text trace
holds them; a sparse all-NUL file would otherwise be read as one 2 GB line) and any line longer
than :data:`MAX_LINE_BYTES`, reading in windows of that size so a hostile file costs one window of
memory before it is refused. Both checks are ``bytes.find`` (memchr) per window, so normal reading
stays at disk speed. gzip is decompressed here (pyarrow's own decompression would bypass the
checks), and a truncated or corrupt gzip stream becomes a :class:`TraceError`.
"""

from __future__ import annotations

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
    raw = path.open("rb")
    return gzip.GzipFile(fileobj=raw, mode="rb") if path.suffix.lower() == ".gz" else raw


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
        self._line = 0  # bytes since the last newline
        self._line_no = 1

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._source.close()
        super().close()

    def read(self, size: int = -1) -> bytes:
        parts = []
        want = size if size is not None and size >= 0 else -1
        while want != 0:
            step = _WINDOW if want < 0 else min(want, _WINDOW)
            try:
                data = self._source.read(step)
            except (gzip.BadGzipFile, EOFError, zlib.error):
                raise _gzip_failure(self.path) from None
            except OSError as exc:
                reason = exc.strerror or "I/O error"
                raise TraceError(f"{self.path.name}: cannot be read ({reason})") from None
            if not data:
                break
            self._check(data)
            parts.append(data)
            if want > 0:
                want -= len(data)
        return b"".join(parts)

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _check(self, data: bytes) -> None:
        nul = data.find(b"\0")
        if nul >= 0:
            raise TraceError(
                f"{self.path.name}: byte {self._offset + nul:,} is a NUL byte; a CSV trace is UTF-8 "
                "text without NULs (is this a binary or sparse file?); export the trace as CSV text"
            )
        # Windows are at most MAX_LINE_BYTES long, so only a line crossing a window edge can be too
        # long: checking the first newline against the carry-over is exact.
        first = data.find(b"\n")
        head = len(data) if first < 0 else first
        if self._line + head > MAX_LINE_BYTES:
            raise TraceError(
                f"{self.path.name}: line {self._line_no:,} is longer "
                f"than {MAX_LINE_BYTES:,} bytes, the limit for one trace record; is this a trace "
                "(one record per line)? Split the value or drop the column"
            )
        if first < 0:
            self._line += len(data)
        else:
            self._line = len(data) - data.rfind(b"\n") - 1
            self._line_no += data.count(b"\n")
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
