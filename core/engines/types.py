"""Key column types as the engines see them, and values made to fit them.

An engine hashes a *typed* value: Flink lays out INT in 4 bytes and BIGINT in 8, Spark hashes the
string "42" and the int 42 differently. :func:`canonical_type` maps SQL spellings (``VARCHAR(20)``,
``INTEGER``, ``BOOL``) onto the few types the engines distinguish; :func:`typed_column` turns the
distinct values of one key column into a :class:`TypedColumn` (numpy data plus a null mask), refusing
a value that does not fit with a message that names it.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.errors import InvalidConfigError
from core.hashing import display_string

__all__ = ["KEY_TYPES", "TypedColumn", "canonical_type", "infer_type", "typed_column"]

# The types the engines tell apart. DATE is days since 1970-01-01 (Flink and Spark store an int).
KEY_TYPES: tuple[str, ...] = ("STRING", "BIGINT", "INT", "SMALLINT", "TINYINT", "BOOLEAN",
                              "DOUBLE", "FLOAT", "DATE")

_SPELLINGS = {
    "STRING": "STRING", "VARCHAR": "STRING", "CHAR": "STRING", "TEXT": "STRING",
    "CHARACTER": "STRING", "NVARCHAR": "STRING",
    "BIGINT": "BIGINT", "LONG": "BIGINT", "INT64": "BIGINT",
    "INT": "INT", "INTEGER": "INT", "INT32": "INT",
    "SMALLINT": "SMALLINT", "SHORT": "SMALLINT", "TINYINT": "TINYINT", "BYTE": "TINYINT",
    "BOOLEAN": "BOOLEAN", "BOOL": "BOOLEAN",
    "DOUBLE": "DOUBLE", "FLOAT64": "DOUBLE", "DOUBLE PRECISION": "DOUBLE",
    "FLOAT": "FLOAT", "REAL": "FLOAT", "FLOAT32": "FLOAT",
    "DATE": "DATE",
}
_RANGES = {"BIGINT": 64, "INT": 32, "SMALLINT": 16, "TINYINT": 8, "DATE": 32}
_PARAMS = re.compile(r"\s*\(.*\)\s*$")
_EPOCH = _dt.date(1970, 1, 1)


def canonical_type(text: str) -> str:
    """``VARCHAR(20)`` → ``STRING``, ``integer`` → ``INT``; an unknown type raises, listing valid ones."""
    core = _PARAMS.sub("", str(text)).strip().upper()
    core = core.replace(" NOT NULL", "").strip()
    found = _SPELLINGS.get(core)
    if found is None:
        raise InvalidConfigError(
            f"unknown key type {text!r}; valid: {', '.join(KEY_TYPES)} (and spellings such as "
            "VARCHAR, CHAR, INTEGER, BOOL, REAL)")
    return found


def infer_type(value: Any) -> str:
    """A value's type when none is declared: int → BIGINT, float → DOUBLE, bool → BOOLEAN, else STRING."""
    if isinstance(value, bool | np.bool_):
        return "BOOLEAN"
    if isinstance(value, int | np.integer):
        return "BIGINT"
    if isinstance(value, float | np.floating):
        return "DOUBLE"
    return "STRING"


@dataclass(frozen=True)
class TypedColumn:
    """Distinct values of one key column in the engine's terms.

    ``data``: int64 for the integer types, BOOLEAN (0/1) and DATE (days); float64 for DOUBLE and
    FLOAT; an object array of UTF-8 ``bytes`` for STRING. ``null`` marks SQL NULLs (their ``data``
    slot is 0 or ``b""``).
    """

    type: str
    data: np.ndarray
    null: np.ndarray

    def __len__(self) -> int:
        return int(self.null.shape[0])


def _is_null(value: Any) -> bool:
    # A NaN is a DOUBLE value (engines hash it), not a NULL.
    return value is None


def _integer(value: Any, kind: str, from_text: bool) -> int:
    if isinstance(value, bool | np.bool_):
        raise ValueError("a boolean is not an integer")
    integral_float = isinstance(value, float | np.floating) and float(value).is_integer()
    digits = isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d{1,40}\s*", value) is not None
    # From data (text, a float column holding ints) integral numbers pass; from JSON only ints do.
    if isinstance(value, int | np.integer) or (from_text and (integral_float or digits)):
        number = int(value)
    else:
        raise ValueError("not an integer")
    bits = _RANGES[kind]
    if not -(1 << (bits - 1)) <= number < (1 << (bits - 1)):
        raise ValueError(f"outside the {bits}-bit range {-(1 << (bits - 1))}..{(1 << (bits - 1)) - 1}")
    return number


def _date(value: Any, from_text: bool) -> int:
    if isinstance(value, str):
        try:
            return (_dt.date.fromisoformat(value.strip()) - _EPOCH).days
        except ValueError:
            raise ValueError("not a date (YYYY-MM-DD or days since 1970-01-01)") from None
    return _integer(value, "DATE", from_text)


def _double(value: Any, from_text: bool) -> float:
    if isinstance(value, bool | np.bool_):
        raise ValueError("a boolean is not a number")
    if isinstance(value, int | np.integer | float | np.floating):
        number = float(value)
    elif from_text and isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            raise ValueError("not a number") from None
    else:
        raise ValueError("not a number")
    return number


def _boolean(value: Any, from_text: bool) -> int:
    if isinstance(value, bool | np.bool_):
        return int(bool(value))
    if from_text and isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return int(value.strip().lower() == "true")
    raise ValueError("not a boolean (true or false)")


def _string(value: Any, from_text: bool) -> bytes:
    if isinstance(value, str):
        try:
            return value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("not valid Unicode text (a lone surrogate)") from None
    if from_text:
        return display_string(value).encode("utf-8")
    raise ValueError("not a string")


def _convert(kind: str, value: Any, from_text: bool) -> Any:
    if kind == "STRING":
        return _string(value, from_text)
    if kind == "BOOLEAN":
        return _boolean(value, from_text)
    if kind in ("DOUBLE", "FLOAT"):
        return _double(value, from_text)
    if kind == "DATE":
        return _date(value, from_text)
    return _integer(value, kind, from_text)


def typed_column(values: Sequence[Any] | np.ndarray, kind: str, *, from_text: bool = False,
                 column: str = "key") -> TypedColumn:
    """The distinct ``values`` of one column as ``kind`` (a canonical type); None is SQL NULL.

    ``from_text`` accepts display strings (``"42"`` for BIGINT, ``"true"``): vocabularies from traces
    and synthetic sources are text. Otherwise a value must already be of the type's kind (JSON).
    Raises :class:`InvalidConfigError` naming the column, the value and the type.
    """
    kind = canonical_type(kind)
    items = values.tolist() if isinstance(values, np.ndarray) else list(values)
    if kind == "STRING" and all(type(v) is str for v in items):
        # The usual case (a vocabulary of text): no per-value dispatch.
        try:
            encoded = [v.encode("utf-8") for v in items]
        except UnicodeEncodeError:
            encoded = None
        if encoded is not None:
            data = np.empty(len(encoded), dtype=object)
            data[:] = encoded
            return TypedColumn(kind, data, np.zeros(len(items), dtype=bool))
    if kind in ("BIGINT", "DOUBLE") and isinstance(values, np.ndarray) and values.dtype.kind in "if":
        data = values.astype(np.int64 if kind == "BIGINT" else np.float64)
        if kind == "DOUBLE" or values.dtype.kind == "i":
            return TypedColumn(kind, data, np.zeros(len(data), dtype=bool))
    null = np.fromiter((_is_null(v) for v in items), dtype=bool, count=len(items))
    converted = []
    for value, is_null in zip(items, null.tolist(), strict=True):
        if is_null:
            converted.append(b"" if kind == "STRING" else 0)
            continue
        try:
            converted.append(_convert(kind, value, from_text))
        except (ValueError, OverflowError) as exc:
            raise InvalidConfigError(
                f"{column}: {value!r} does not fit type {kind}: {exc}; declare the column's real "
                f"type or fix the value") from None
    if kind == "STRING":
        data = np.empty(len(converted), dtype=object)
        data[:] = converted
    elif kind in ("DOUBLE", "FLOAT"):
        data = np.asarray(converted, dtype=np.float64).reshape(-1)
    else:
        data = np.asarray(converted, dtype=np.int64).reshape(-1)
    return TypedColumn(kind, data, null)
