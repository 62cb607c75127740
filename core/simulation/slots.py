"""Shared slots: file-backed mappings every worker process reads, and where each array sits in one."""

from __future__ import annotations

import contextlib
import mmap
import os
import tempfile
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["SharedBlock", "Layout", "INT_COLUMNS", "Views"]

INT_COLUMNS = ("key", "stream", "time", "offset", "seq")
# One slot's arrays: integer columns by name, value columns, per-strategy orders, share bounds.
Views = tuple[dict[str, np.ndarray], list[np.ndarray], list[np.ndarray], np.ndarray]


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

    The share bounds travel in the slot too: pickled they would be S·(W+1) integers per message,
    enough with many workers to fill the pipe and block the coordinator on a hung child.
    """

    capacity: int
    values: int
    strategies: int
    workers: int

    def arrays(self, buf: Any) -> Views:
        cap = self.capacity
        bounds = np.ndarray((self.strategies, self.workers + 1), np.int64, buf, 0)
        pos = bounds.nbytes
        ints: dict[str, np.ndarray] = {}
        for name in INT_COLUMNS:
            ints[name] = np.ndarray((cap,), np.int64, buf, pos)
            pos += 8 * cap
        vals = []
        for _ in range(self.values):
            vals.append(np.ndarray((cap,), np.float64, buf, pos))
            pos += 8 * cap
        orders = []
        for _ in range(self.strategies):
            orders.append(np.ndarray((cap,), np.int32, buf, pos))
            pos += 4 * cap
        return ints, vals, orders, bounds

    @property
    def nbytes(self) -> int:
        per_record = 8 * (len(INT_COLUMNS) + self.values) + 4 * self.strategies
        return 8 * self.strategies * (self.workers + 1) + self.capacity * per_record
