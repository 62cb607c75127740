"""Shared slots: file-backed mappings every worker process reads, where each array sits in one, and
how the coordinator's chunks are written into a slot and read back out."""

from __future__ import annotations

import contextlib
import mmap
import os
import tempfile
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.simulation.worker import Chunk

__all__ = ["SharedBlock", "Layout", "INT_COLUMNS", "Views", "write_chunk", "read_chunks"]

INT_COLUMNS = ("key", "stream", "time", "offset")
# One slot's arrays: integer columns by name, value columns, routes (strategy x record), counts.
Views = tuple[dict[str, np.ndarray], list[np.ndarray], np.ndarray, np.ndarray]
_EMPTY = np.empty(0, np.int64)


class SharedBlock:
    """A file-backed shared mapping (tmpfs ``/dev/shm`` where present) that processes open by path.

    Not ``multiprocessing.shared_memory``: on Python 3.11 every process that attaches registers the
    block with the resource tracker, which then warns about (or unlinks) blocks it does not own.
    Here only the coordinator creates and deletes the file; children just map it.
    """

    def __init__(self, size: int, path: str | None = None) -> None:
        size = max(1, size)
        if path is None:
            folder = "/dev/shm" if os.path.isdir("/dev/shm") else None
            fd, path = tempfile.mkstemp(prefix="partition-lab-", dir=folder)
            try:
                os.ftruncate(fd, size)
            except OSError:
                os.close(fd)
                os.unlink(path)
                raise
        else:
            fd = os.open(path, os.O_RDWR)
        try:
            self.map = mmap.mmap(fd, size)
        finally:
            os.close(fd)
        self.path = path

    def close(self) -> None:
        with contextlib.suppress(BufferError, ValueError):
            self.map.close()

    def unlink(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


@dataclass(frozen=True)
class Layout:
    """Where each array sits inside a slot sized for ``capacity`` records.

    A slot holds a few chunks back to back, once for every process: the integer columns the operator reads
    (``columns``, a subset of :data:`INT_COLUMNS`; ``seq`` is never shipped, it is the chunk's first
    arrival number plus the position), the value columns, and every strategy's route (int32 worker
    per record) with each chunk's per-worker counts. Counts travel in the slot, not the message: pickled
    they would be S·W integers per message, enough with many workers to fill the pipe and block
    the coordinator on a hung child.
    """

    capacity: int
    columns: tuple[str, ...]
    values: int
    strategies: int
    workers: int
    chunks: int = 1  # chunks one slot carries, each with its own counts

    def arrays(self, buf: Any) -> Views:
        cap = self.capacity
        counts = np.ndarray((self.chunks, self.strategies, self.workers), np.int64, buf, 0)
        pos = counts.nbytes
        ints: dict[str, np.ndarray] = {}
        for name in self.columns:
            ints[name] = np.ndarray((cap,), np.int64, buf, pos)
            pos += 8 * cap
        vals = []
        for _ in range(self.values):
            vals.append(np.ndarray((cap,), np.float64, buf, pos))
            pos += 8 * cap
        routes = np.ndarray((self.strategies, cap), np.int32, buf, pos)
        return ints, vals, routes, counts

    @property
    def nbytes(self) -> int:
        per_record = 8 * (len(self.columns) + self.values) + 4 * self.strategies
        return 8 * self.chunks * self.strategies * self.workers + self.capacity * per_record


def write_chunk(views: Views, sizes: list[int], chunk: Chunk, routes: np.ndarray, counts: np.ndarray) -> int:
    """Append ``chunk`` after the chunks of ``sizes`` already in the slot; returns its end offset."""
    ints, vals, slot_routes, slot_counts = views
    lo = sum(sizes)
    hi = lo + len(chunk)
    for name, dst in ints.items():
        dst[lo:hi] = getattr(chunk, name)
    for dst, src in zip(vals, chunk.values, strict=False):
        dst[lo:hi] = src
    slot_routes[:, lo:hi] = routes
    slot_counts[len(sizes)] = counts
    return hi


def read_chunks(views: Views, sizes: list[int], first: int) -> list[tuple[Chunk, np.ndarray, np.ndarray]]:
    """Private copies of the slot's chunks (``first`` is the first record's arrival number), each
    with its routes and counts, as :meth:`Host.process` takes them."""
    ints, vals, routes, counts = views
    n = sum(sizes)
    columns = {name: ints[name][:n].copy() if name in ints else _EMPTY for name in INT_COLUMNS}
    values = [v[:n].copy() for v in vals]
    seq = np.arange(first, first + n, dtype=np.int64)
    all_routes, all_counts = routes[:, :n].copy(), counts[:len(sizes)].copy()
    out, lo = [], 0
    for i, size in enumerate(sizes):
        part = slice(lo, lo + size)
        cut = {name: c[part] if len(c) else c for name, c in columns.items()}
        out.append((Chunk(seq=seq[part], values=tuple(v[part] for v in values), **cut),
                    all_routes[:, part], all_counts[i]))
        lo += size
    return out
