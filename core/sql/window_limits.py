"""Bounds on durations and window counts, checked while reading so nothing overflows later.

A simulation computes window ids as ``event_time // advance`` and assigns each record to
``size / advance`` hopping windows; absurd values (99999999999999999999d, HOPPING(1d, 1ms)) would
overflow int64 or multiply the work by millions. They are refused here, at their position.
"""

from __future__ import annotations

from core.sql.clauses import WindowSpec
from core.sql.text import SourceText

__all__ = ["MAX_DURATION_MS", "MAX_WINDOWS_PER_RECORD", "check_duration", "check_window"]

MAX_DURATION_MS = 100 * 365 * 86_400_000  # 100 years
MAX_WINDOWS_PER_RECORD = 10_000


def check_duration(
    ms: int, what: str, source: SourceText, offset: int, length: int = 1, minimum: int = 1
) -> int:
    """``ms`` when ``minimum`` ≤ ms ≤ 100 years; otherwise a positioned error naming the limit."""
    if ms > MAX_DURATION_MS:
        shown = f"{ms:,} ms" if ms < 10**30 else f"a {len(str(ms))}-digit number of ms"
        raise source.error(
            f"{what} of {shown} is longer than the limit of 100 years ({MAX_DURATION_MS:,} ms); "
            "use a shorter duration",
            offset,
            length,
        )
    if ms < minimum:
        raise source.error(f"{what} must be at least {minimum} ms, got {ms} ms", offset, length)
    return ms


def check_window(spec: WindowSpec, source: SourceText, offset: int, length: int = 1) -> WindowSpec:
    """Every duration of ``spec`` bounded, and a hopping window at most 10,000 windows per record."""
    for value, what in ((spec.size_ms, "the window size"), (spec.advance_ms, "the window advance"),
                        (spec.gap_ms, "the session gap")):
        if value is not None:
            check_duration(value, what, source, offset, length)
    if spec.size_ms is not None and spec.advance_ms is not None:
        per_record = -(-spec.size_ms // spec.advance_ms)
        if per_record > MAX_WINDOWS_PER_RECORD:
            raise source.error(
                f"a hopping window of size {spec.size_ms:,} ms advancing by {spec.advance_ms:,} ms puts "
                "every "
                f"record in {per_record:,} windows; the limit is {MAX_WINDOWS_PER_RECORD:,}: use a larger "
                "advance or a smaller size",
                offset,
                length,
            )
    return spec
