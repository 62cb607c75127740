"""Turning trace chunks (Arrow columns) into :class:`Batch` columns, with stable codes.

Conversions run in Arrow (casts are ~100x faster than pandas on text); only when a cast fails do
we fall back to a pandas pass whose job is to find the first bad row for the error message.

Categorical columns keep one *growing* vocabulary per column for the whole trace: a value gets its
code the first time it is seen and keeps it, so codes are stable across batches. A batch's vocab
array covers every value seen up to and including that batch (earlier vocab arrays are prefixes of
later ones); the array object is only replaced when new values appeared, so hash caches keyed by
the vocab object keep hitting once the key set has settled.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.hashing import display_string

__all__ = [
    "CategoricalCodec",
    "Fail",
    "MAX_TRACE_PARTITIONS",
    "check_partitions",
    "looks_numeric",
    "to_event_time",
    "to_numeric",
]

MAX_TRACE_PARTITIONS = 100_000
Fail = Callable[[str, int | None], Exception]  # (message, 0-based row in chunk) -> error to raise
Column: TypeAlias = "pa.ChunkedArray | pa.Array"


class CategoricalCodec:
    """Values -> int32 codes into a vocabulary that only grows."""

    def __init__(self) -> None:
        self._index: dict[str, int] = {}
        self._values: list[str] = []
        self._array: np.ndarray = np.empty(0, dtype=object)

    @property
    def vocab(self) -> np.ndarray:
        if len(self._array) != len(self._values):
            self._array = np.array(self._values, dtype=object)
            self._array.setflags(write=False)
        return self._array

    def encode(self, column: Column) -> np.ndarray:
        # Dictionary-encode first so the Python-level work is per distinct value, not per row.
        encoded = pc.dictionary_encode(_combined(column), null_encoding="encode")
        lut = np.empty(len(encoded.dictionary), dtype=np.int32)
        for i, raw in enumerate(encoded.dictionary.to_pylist()):
            text = display_string(raw)
            code = self._index.get(text)
            if code is None:
                code = self._index[text] = len(self._values)
                self._values.append(text)
            lut[i] = code
        return lut[encoded.indices.to_numpy(zero_copy_only=False)]


def _combined(column: Column) -> pa.Array:
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


def _first(mask: Column | np.ndarray) -> int:
    values = mask if isinstance(mask, np.ndarray) else _combined(mask).to_numpy(zero_copy_only=False)
    return int(np.flatnonzero(values)[0])


def _blank(text: Column) -> Column:
    """True where a text cell is null or only whitespace."""
    return pc.fill_null(pc.equal(pc.utf8_trim_whitespace(text), ""), True)


def _text_to_numbers(column: Column) -> Column | None:
    """Cast text to int64 (all integral) or float64 (blank -> null); None when some cell is no number."""
    trimmed = pc.utf8_trim_whitespace(column)
    trimmed = pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)
    # A failed int64 cast costs a full parse; skip it when the first cells already look like floats.
    sample = "".join(v for v in trimmed.slice(0, 256).to_pylist() if v)
    targets = (pa.float64(),) if any(ch in sample for ch in ".eEnN") else (pa.int64(), pa.float64())
    for target in targets:
        try:
            return pc.cast(trimmed, target)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
    return None


def looks_numeric(column: Column) -> bool:
    """True when every present value parses as a number (and at least one is present)."""
    if pa.types.is_boolean(column.type):
        return False
    if pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
        return True
    if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
        return False
    numbers = _text_to_numbers(column)
    return numbers is not None and numbers.null_count < len(numbers)


def to_numeric(column: Column, fail: Fail, name: str) -> np.ndarray:
    """Numbers: int64 when all integral and present, else float64 with NaN for empty cells."""
    if pa.types.is_boolean(column.type):
        return _combined(pc.cast(column, pa.int64())).to_numpy(zero_copy_only=False)
    numbers = column if pa.types.is_integer(column.type) or pa.types.is_floating(column.type) else None
    if numbers is None and (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        numbers = _text_to_numbers(column)
    if numbers is None:
        text = pd.Series(_combined(pc.cast(column, pa.string())).to_pylist(), dtype=object)
        bad = pd.to_numeric(text.str.strip().replace("", None), errors="coerce").isna() & ~text.isna()
        row = _first(bad.to_numpy())
        raise fail(
            f"column {name!r} holds {text.iloc[row]!r}, not a number (earlier rows made it numeric); "
            "clean the column or drop it from the trace",
            row,
        )
    if numbers.null_count == 0 and pa.types.is_integer(numbers.type):
        return _combined(pc.cast(numbers, pa.int64())).to_numpy(zero_copy_only=False)
    return _combined(pc.fill_null(pc.cast(numbers, pa.float64()), np.nan)).to_numpy(zero_copy_only=False)


def check_partitions(column: Column, fail: Fail, partitions: int | None) -> np.ndarray:
    """The partition column as int32, or an error naming the first bad row and the fix."""
    is_text = pa.types.is_string(column.type) or pa.types.is_large_string(column.type)
    missing = _blank(column) if is_text else pc.is_null(column, nan_is_null=True)
    if pc.any(missing).as_py():
        raise fail("partition is missing; every record needs the partition it was read from", _first(missing))
    numbers = _text_to_numbers(column) if is_text else column
    if numbers is None or not pa.types.is_integer(numbers.type):
        floats = (
            _combined(numbers).to_numpy(zero_copy_only=False).astype(np.float64)
            if numbers is not None
            else pd.to_numeric(pd.Series(_combined(column).to_pylist()).str.strip(), errors="coerce")
            .to_numpy(dtype=np.float64, na_value=np.nan)
        )
        bad = np.isnan(floats) | (floats != np.floor(floats))
        if bad.any():
            row = _first(bad)
            raise fail(
                f"partition {_combined(column)[row].as_py()!r} is not an integer; fix the row, or point "
                "column_map at the column that holds the partition",
                row,
            )
        values = floats.astype(np.int64)
    else:
        values = _combined(pc.cast(numbers, pa.int64())).to_numpy(zero_copy_only=False)
    if len(values) and values.min() < 0:
        row = _first(values < 0)
        raise fail(f"partition {int(values[row])} is negative; partitions are numbered from 0", row)
    limit = partitions if partitions is not None else MAX_TRACE_PARTITIONS
    if len(values) and values.max() >= limit:
        row = _first(values >= limit)
        fix = (
            f"the topic was declared with {partitions} partitions; pass a larger partition count "
            "or leave it out to infer it"
            if partitions is not None
            else f"at most {MAX_TRACE_PARTITIONS:,} partitions are supported; check the column mapping"
        )
        raise fail(f"partition {int(values[row])} is out of range ({fix})", row)
    return values.astype(np.int32)


def to_event_time(column: Column, fail: Fail) -> np.ndarray:
    """Event time in epoch ms from epoch-ms numbers, timestamps or ISO-8601 text (mixed is fine;
    ISO text without a zone is taken as UTC)."""
    if pa.types.is_timestamp(column.type):
        if column.null_count:
            raise fail("timestamp is missing", _first(pc.is_null(column)))
        millis = pc.cast(pc.cast(column, pa.timestamp("ms")), pa.int64())
        return _combined(millis).to_numpy(zero_copy_only=False)
    is_text = pa.types.is_string(column.type) or pa.types.is_large_string(column.type)
    numbers = _text_to_numbers(column) if is_text else column
    if numbers is not None and (pa.types.is_integer(numbers.type) or pa.types.is_floating(numbers.type)):
        if numbers.null_count or pc.any(pc.is_nan(pc.cast(numbers, pa.float64()))).as_py():
            missing = pc.is_null(numbers, nan_is_null=True)
            raise fail("timestamp is missing (expected epoch milliseconds or ISO-8601)", _first(missing))
        return _combined(pc.cast(numbers, pa.int64(), safe=False)).to_numpy(zero_copy_only=False)
    if is_text:
        try:
            stamps = pc.cast(pc.utf8_trim_whitespace(column), pa.timestamp("ms", tz="UTC"))
            if stamps.null_count == 0:
                return _combined(pc.cast(stamps, pa.int64())).to_numpy(zero_copy_only=False)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    return _mixed_event_time(pd.Series(_combined(column).to_pylist(), dtype=object), fail)


def _mixed_event_time(column: pd.Series, fail: Fail) -> np.ndarray:
    """Slow path: per-cell epoch ms or ISO-8601 (zone-less = UTC), naming the first bad cell."""
    text = column.astype("string").str.strip()
    ms = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    out = np.zeros(len(column), dtype=np.int64)
    is_number = ~np.isnan(ms)
    out[is_number] = ms[is_number].astype(np.int64)
    rest = ~is_number
    if rest.any():
        parsed = pd.to_datetime(text[rest], utc=True, errors="coerce", format="ISO8601")
        if parsed.isna().any():
            row = int(np.flatnonzero(rest)[int(np.flatnonzero(parsed.isna().to_numpy())[0])])
            raise fail(
                f"timestamp {column.iloc[row]!r} is neither epoch milliseconds nor ISO-8601 "
                "(e.g. 2024-05-01T12:00:00Z)",
                row,
            )
        naive = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
        out[rest] = naive.astype("datetime64[ms]").to_numpy().astype(np.int64)
    return out
