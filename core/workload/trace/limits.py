"""The bounds a trace must keep, checked before or while a native parser reads it.

Each is far above what a real Kafka export holds and low enough that a hostile file costs at most
a few MiB and a linear scan before it is refused.
"""

from __future__ import annotations

from core.limits import MAX_PARTITIONS

__all__ = [
    "MAX_COLUMNS",
    "MAX_EVENT_TIME_MS",
    "MAX_JSON_DEPTH",
    "MAX_JSON_FIELDS",
    "MAX_LINE_BYTES",
    "MAX_OFFSET",
    "MAX_PARTITIONS",
]

# Kafka's default max.message.bytes is 1 MiB; CSV quoting can double a JSON value's quotes.
MAX_LINE_BYTES = 4 << 20
# File columns, and fields of a flattened JSON value (a value with 8,000 fields is not a record).
MAX_COLUMNS = 1_000
MAX_JSON_FIELDS = 1_000
# pyarrow's JSON reader recurses per level (20,000 levels crash it); real payloads nest a few deep.
MAX_JSON_DEPTH = 64
# Kafka offsets are int64 and never negative.
MAX_OFFSET = (1 << 63) - 1
# Event time in epoch ms, 1970-01-01 up to 9999-12-31T23:59:59.999Z (the last ISO-8601 4-digit year).
MAX_EVENT_TIME_MS = 253_402_300_799_999
