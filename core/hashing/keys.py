"""How key values become text and bytes before hashing: display strings and Kafka serializations.

* one column: the declared serialization of the value (``string`` = UTF-8 like Kafka's
  StringSerializer, ``int32``/``int64`` big-endian like Integer/LongSerializer);
* several columns, ``murmur2``/``crc32``/``mmh3``: each part prefixed with its 4-byte big-endian
  length, so ``("ab", "c")`` and ``("a", "bc")`` never collide by construction;
* ``fnv1a64``: Velostream's rule, the UTF-8 display strings fed back to back without separator
  (the declared serialization does not apply; the engine hashes display strings).

>>> display_string(3.0), display_string(None), display_string(True)
('3', 'null', 'true')
>>> serialize_key(42, "int32")
b'\\x00\\x00\\x00*'
>>> join_parts("mmh3", [b"ab", b"c"])
b'\\x00\\x00\\x00\\x02ab\\x00\\x00\\x00\\x01c'
>>> join_parts("fnv1a64", [b"trader", b"_1"])
b'trader_1'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from core.errors import InvalidConfigError

__all__ = ["KEY_SERIALIZATIONS", "display_string", "serialize_key", "join_parts"]

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


def join_parts(hash_name: str, parts: Sequence[bytes]) -> bytes:
    """One key's bytes from its columns' bytes: length-prefixed, or back to back for ``fnv1a64``."""
    if len(parts) == 1:
        return parts[0]
    if hash_name == "fnv1a64":
        return b"".join(parts)
    return b"".join(len(p).to_bytes(4, "big") + p for p in parts)
