"""One wall-clock deadline for every fuzz harness: an input that hangs fails its test, by SIGALRM."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator

__all__ = ["Hang", "deadline"]


class Hang(Exception):
    """The code under test gave no answer within the deadline."""


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    def fire(signum: int, frame: object) -> None:
        raise Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, fire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
