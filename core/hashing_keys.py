"""How key values become text and bytes before hashing: display strings and Kafka serializations.

Shared by :mod:`core.hashing` (which re-exports every name here) and the vocabulary cache.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from core.errors import InvalidConfigError

__all__ = ["KEY_SERIALIZATIONS", "display_string", "serialize_key"]

KEY_SERIALIZATIONS: tuple[str, ...] = ("string", "int32", "int64")


def display_string(value: Any) -> str:
    """A value's display string: ints plainly, integral floats without ``.0``, nulls as ``null``."""
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "null"
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        f = float(value)
        # Approximates Rust's f64 Display, which prints 3.0 as "3".
        return str(int(f)) if f.is_integer() and abs(f) < 2**53 else repr(f)
    return str(value)


def serialize_key(value: Any, kind: str = "string") -> bytes:
    """Bytes a Kafka serializer would produce: UTF-8 string, or big-endian int32/int64."""
    if kind == "string":
        return value if isinstance(value, bytes) else display_string(value).encode("utf-8")
    if kind in ("int32", "int64"):
        size = 4 if kind == "int32" else 8
        try:
            number = int(value)
            return number.to_bytes(size, "big", signed=True)
        except (ValueError, TypeError, OverflowError) as exc:
            raise InvalidConfigError(
                f"key value {value!r} does not fit serialization {kind}; declare the key as "
                "'string' or fix the column"
            ) from exc
    raise InvalidConfigError(
        f"unknown key serialization {kind!r}; valid: {', '.join(KEY_SERIALIZATIONS)}"
    )
