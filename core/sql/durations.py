"""Durations in every spelling the supported dialects use, normalised to milliseconds."""

from __future__ import annotations

import re
from fractions import Fraction

__all__ = ["parse_duration", "try_parse_duration", "is_duration_unit", "DURATION_EXAMPLE"]

DURATION_EXAMPLE = "e.g. 30s, 5m, 500ms or INTERVAL '5' MINUTE"

_NS_PER_UNIT = {
    "ns": 1,
    "nanosecond": 1,
    "us": 1_000,
    "µs": 1_000,
    "microsecond": 1_000,
    "ms": 1_000_000,
    "milli": 1_000_000,
    "millisecond": 1_000_000,
    "s": 1_000_000_000,
    "sec": 1_000_000_000,
    "second": 1_000_000_000,
    "m": 60_000_000_000,
    "min": 60_000_000_000,
    "minute": 60_000_000_000,
    "h": 3_600_000_000_000,
    "hr": 3_600_000_000_000,
    "hour": 3_600_000_000_000,
    "d": 86_400_000_000_000,
    "day": 86_400_000_000_000,
    "w": 604_800_000_000_000,
    "week": 604_800_000_000_000,
}

# After INTERVAL and quotes are stripped every form reads "<number> [unit]": 1m, 30 SECONDS, 5 MINUTE.
_FORM = re.compile(r"^(\d+(?:\.\d+)?)\s*([a-zµ]*)$", re.IGNORECASE)


def _unit_ns(unit: str) -> int | None:
    u = unit.lower()
    if u in _NS_PER_UNIT:
        return _NS_PER_UNIT[u]
    # Plural words (SECONDS, minutes) are the singular plus "s"; "ms" itself matched above.
    if len(u) > 2 and u.endswith("s") and u[:-1] in _NS_PER_UNIT:
        return _NS_PER_UNIT[u[:-1]]
    return None


def is_duration_unit(word: str) -> bool:
    """True for a unit word such as ``m``, ``ms``, ``MINUTE`` or ``seconds``."""
    return _unit_ns(word) is not None


def try_parse_duration(text: str) -> int | None:
    """Milliseconds for a duration's text, or None when it is not a duration.

    >>> try_parse_duration("INTERVAL '5' MINUTE")
    300000
    """
    t = " ".join(text.split())
    if t[:9].upper() == "INTERVAL ":
        t = t[9:]
    t = " ".join(t.replace("'", " ").replace('"', " ").split())
    match = _FORM.match(t)
    if not match:
        return None
    number, unit = match.groups()
    # A bare number is seconds: Velostream's and ksqlDB's default unit.
    ns_per = _unit_ns(unit) if unit else _NS_PER_UNIT["s"]
    if ns_per is None:
        return None
    # Exact arithmetic: a 400-digit number is a (too large) duration, never a float overflow.
    return round(Fraction(number) * ns_per / 1_000_000)


def parse_duration(text: str) -> int:
    """Milliseconds for ``1m``, ``30s``, ``500ms``, ``10`` (seconds), ``INTERVAL '5' MINUTE``...

    >>> parse_duration("1m")
    60000

    Raises ValueError for text that is not a duration.
    """
    ms = try_parse_duration(text)
    if ms is None:
        raise ValueError(f"cannot read {text.strip()!r} as a duration, {DURATION_EXAMPLE}")
    return ms
