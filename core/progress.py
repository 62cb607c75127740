"""A terminal progress bar for long replays, fed the fraction done by ``simulate(progress=...)``."""

from __future__ import annotations

import time
from typing import TextIO

__all__ = ["TerminalProgress"]


class TerminalProgress:
    """Redraws one line on a terminal; on a pipe or file writes a line at each tenth instead.

    >>> import io; out = io.StringIO(); bar = TerminalProgress(out, total=1000, tty=False)
    >>> bar(0.5); bar(1.0); print(out.getvalue().count("records"))
    2
    """

    def __init__(self, stream: TextIO, total: int, *, tty: bool | None = None, width: int = 30) -> None:
        self.stream = stream
        self.total = total
        self.tty = stream.isatty() if tty is None else tty
        self.width = width
        self.started = time.monotonic()
        self._last_tenth = -1
        self._last_draw = 0.0

    def __call__(self, fraction: float) -> None:
        fraction = min(max(fraction, 0.0), 1.0)
        now = time.monotonic()
        if self.tty:
            # Redrawing is cheap but not free: at most ten times a second, and always the last one.
            if fraction < 1.0 and now - self._last_draw < 0.1:
                return
            self._last_draw = now
            self.stream.write("\r" + self._line(fraction, now) + ("\n" if fraction >= 1.0 else ""))
        else:
            tenth = int(fraction * 10)
            if tenth == self._last_tenth:
                return
            self._last_tenth = tenth
            self.stream.write(self._line(fraction, now) + "\n")
        self.stream.flush()

    def _line(self, fraction: float, now: float) -> str:
        filled = int(round(fraction * self.width))
        bar = "#" * filled + "." * (self.width - filled)
        elapsed = now - self.started
        done = int(fraction * self.total)
        return f"[{bar}] {fraction:4.0%}  {done:,} / {self.total:,} records  {elapsed:6.1f} s"
