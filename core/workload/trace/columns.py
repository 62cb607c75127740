"""Turning trace chunks (Arrow columns) into :class:`Batch` columns, with stable codes.

Conversions run in Arrow (casts are ~100x faster than pandas on text); only when a cast fails do
we fall back to a pandas pass whose job is to find the first bad row for the error message.

Categorical columns keep one *growing* vocabulary per column for the whole trace: a value gets its
code the first time it is seen and keeps it, so codes are stable across batches. A batch's vocab
array covers every value seen up to and including that batch (earlier vocab arrays are prefixes of
later ones); the array object is only replaced when new values appeared, so hash caches keyed by
the vocab object keep hitting once the key set has settled.

Every envelope number is range-checked *before* it is cast to int64 (a float 1e20 or a uint64
2^64-1 would otherwise wrap to garbage with a numpy RuntimeWarning), and messages quote the cell as
written: the text of a CSV cell, the value of a Parquet one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn, TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.hashing import display_string
from core.workload.trace.limits import MAX_EVENT_TIME_MS, MAX_OFFSET, MAX_PARTITIONS

__all__ = [
    "CategoricalCodec",
    "Fail",
    "MAX_TRACE_PARTITIONS",
    "check_partitions",
    "looks_numeric",
    "to_event_time",
    "to_numeric",
    "to_offsets",
]

MAX_TRACE_PARTITIONS = MAX_PARTITIONS
_INT64_END = 2.0**63  # first float past int64: compare floats with it, never with 2**63 - 1 (rounds up)
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


def _is_text(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def _shown(column: Column, row: int) -> str:
    """The cell as written, short: text quoted, numbers plain."""
    cell = _combined(column)[row]
    if pa.types.is_timestamp(cell.type):
        # The raw count in its unit: a datetime cannot hold year 146 million.
        return f"{pc.cast(cell, pa.int64()).as_py()} ({cell.type})"
    value = cell.as_py()
    return repr(value[:40] + ("..." if len(value) > 40 else "")) if isinstance(value, str) else str(value)


def looks_numeric(column: Column) -> bool:
    """True when every present value parses as a number (and at least one is present)."""
    if pa.types.is_boolean(column.type):
        return False
    if pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
        return True
    if not _is_text(column.type):
        return False
    numbers = _text_to_numbers(column)
    return numbers is not None and numbers.null_count < len(numbers)


def _first_non_number(column: Column) -> int:
    text = pd.Series(_combined(pc.cast(column, pa.string())).to_pylist(), dtype=object)
    bad = pd.to_numeric(text.str.strip().replace("", None), errors="coerce").isna() & ~text.isna()
    return _first(bad.to_numpy())


def _fits_int64(numbers: Column) -> bool:
    if not pa.types.is_uint64(numbers.type) or len(numbers) == numbers.null_count:
        return True
    return int(pc.max(numbers).as_py()) <= MAX_OFFSET


def to_numeric(column: Column, fail: Fail, name: str) -> np.ndarray:
    """Numbers: int64 when all integral and present, else float64 with NaN for empty cells (NaN is
    a missing value; infinities are refused)."""
    if pa.types.is_boolean(column.type):
        return _combined(pc.cast(column, pa.int64())).to_numpy(zero_copy_only=False)
    numbers = column if pa.types.is_integer(column.type) or pa.types.is_floating(column.type) else None
    if numbers is None and _is_text(column.type):
        numbers = _text_to_numbers(column)
    if numbers is None:
        row = _first_non_number(column)
        raise fail(
            f"column {name!r} holds {_shown(column, row)}, not a number (earlier rows made it numeric); "
            "clean the column or drop it from the trace",
            row,
        )
    if numbers.null_count == 0 and pa.types.is_integer(numbers.type) and _fits_int64(numbers):
        return _combined(pc.cast(numbers, pa.int64())).to_numpy(zero_copy_only=False)
    values = _combined(pc.fill_null(pc.cast(numbers, pa.float64()), np.nan)).to_numpy(zero_copy_only=False)
    infinite = np.isinf(values)
    if infinite.any():
        row = _first(infinite)
        raise fail(
            f"column {name!r} holds {_shown(column, row)}, not a finite number; clean the column or drop it",
            row,
        )
    return values


def _integers(column: Column, fail: Fail, name: str, high: int, missing: str) -> np.ndarray:
    """An integer column as int64, refusing blanks, non-integers and values outside 0..high; the
    range is checked in the column's own type so nothing wraps."""
    is_text = _is_text(column.type)
    blank = _blank(column) if is_text else pc.is_null(column, nan_is_null=True)
    if pc.any(blank).as_py():
        raise fail(missing, _first(blank))
    numbers = _text_to_numbers(column) if is_text else column
    if numbers is None:
        row = _first_non_number(column)
        raise fail(f"{name} {_shown(column, row)} is not an integer", row)
    if pa.types.is_integer(numbers.type):
        low, top = (v.as_py() for v in pc.min_max(numbers).values())
        if low >= 0 and top <= high:
            return _combined(pc.cast(numbers, pa.int64())).to_numpy(zero_copy_only=False)
        # Bounds as scalars of the column's own type: comparing a uint64 with an int64 scalar would
        # cast the column and fail on 2^64 - 1.
        kind = numbers.type
        top_typed = pa.scalar(min(high, int(np.iinfo(kind.to_pandas_dtype()).max)), kind)
        outside = pc.or_(pc.less(numbers, pa.scalar(0, kind)), pc.greater(numbers, top_typed))
        row = _first(outside)
        return _out_of_range(column, fail, name, row, negative=_combined(numbers)[row].as_py() < 0)
    floats = _combined(numbers).to_numpy(zero_copy_only=False).astype(np.float64)
    finite = np.isfinite(floats)
    whole = np.zeros(len(floats), dtype=bool)
    whole[finite] = floats[finite] == np.floor(floats[finite])
    if not whole.all():
        row = _first(~whole)
        raise fail(f"{name} {_shown(column, row)} is not an integer", row)
    outside = (floats < 0) | (floats > high) | (floats >= _INT64_END)
    if outside.any():
        row = _first(outside)
        return _out_of_range(column, fail, name, row, negative=bool(floats[row] < 0))
    return floats.astype(np.int64)


def _out_of_range(column: Column, fail: Fail, name: str, row: int, *, negative: bool) -> NoReturn:
    raise fail(f"{name} {_shown(column, row)} is {'negative' if negative else 'out of range'}", row)


def check_partitions(column: Column, fail: Fail, partitions: int | None) -> np.ndarray:
    """The partition column as int32, or an error naming the first bad row, the value and the fix."""
    limit = partitions if partitions is not None else MAX_PARTITIONS
    fix = (
        f"the topic was declared with {partitions} partitions; pass a larger partition count or leave "
        "it out to infer it"
        if partitions is not None
        else f"at most {MAX_PARTITIONS:,} partitions are supported; check the column mapping"
    )

    def explain(message: str, row: int | None) -> Exception:
        if message.endswith("is negative"):
            return fail(f"{message}; partitions are numbered from 0 (valid: 0..{limit - 1:,})", row)
        if message.endswith("out of range"):
            return fail(f"{message} ({fix}; valid: 0..{limit - 1:,})", row)
        if message.endswith("not an integer"):
            return fail(f"{message}; fix the row, or point column_map at the column that holds the partition",
                        row)
        return fail(message, row)

    values = _integers(column, explain, "partition", limit - 1,
                       "partition is missing; every record needs the partition it was read from")
    return values.astype(np.int32)


def to_offsets(column: Column, fail: Fail) -> np.ndarray:
    """Kafka offsets as int64 within 0..2^63-1."""
    missing = ("offset is missing or not an integer; fix it or drop the offset column to number records "
               "per partition")

    def explain(message: str, row: int | None) -> Exception:
        if message == missing:
            return fail(message, row)
        return fail(f"{message} (offsets are integers 0..{MAX_OFFSET:,}); fix it or drop the offset column "
                    "to number records per partition", row)

    return _integers(column, explain, "offset", MAX_OFFSET, missing)


_RANGE = (f"event time is epoch milliseconds 0..{MAX_EVENT_TIME_MS:,} (1970-01-01 to 9999-12-31 UTC) or "
          "ISO-8601; fix the row or map the right column as timestamp")


def _check_ms(column: Column, ms: np.ndarray, fail: Fail) -> np.ndarray:
    outside = (ms < 0) | (ms > MAX_EVENT_TIME_MS)
    if outside.any():
        row = _first(outside)
        raise fail(f"timestamp {_shown(column, row)} is out of range ({_RANGE})", row)
    return ms


def to_event_time(column: Column, fail: Fail) -> np.ndarray:
    """Event time in epoch ms from epoch-ms numbers, timestamps or ISO-8601 text (mixed is fine;
    ISO text without a zone is taken as UTC), each within 1970..9999."""
    if pa.types.is_timestamp(column.type):
        if column.null_count:
            raise fail("timestamp is missing", _first(pc.is_null(column)))
        raw = _combined(pc.cast(column, pa.int64())).to_numpy(zero_copy_only=False)
        unit = column.type.unit
        if unit == "s":
            # Checked before multiplying so a huge second count cannot wrap.
            _check_ms(column, raw.astype(np.float64) * 1_000.0, fail)
            return raw * 1_000
        ms = raw if unit == "ms" else raw // (1_000 if unit == "us" else 1_000_000)
        return _check_ms(column, ms, fail)
    is_text = _is_text(column.type)
    numbers = _text_to_numbers(column) if is_text else column
    if numbers is not None and (pa.types.is_integer(numbers.type) or pa.types.is_floating(numbers.type)):
        if numbers.null_count or pc.any(pc.is_nan(pc.cast(numbers, pa.float64()))).as_py():
            missing = pc.is_null(numbers, nan_is_null=True)
            raise fail("timestamp is missing (expected epoch milliseconds or ISO-8601)", _first(missing))
        if pa.types.is_integer(numbers.type) and _fits_int64(numbers):
            whole = _combined(pc.cast(numbers, pa.int64())).to_numpy(zero_copy_only=False)
            return _check_ms(column, whole, fail)
        floats = _combined(pc.cast(numbers, pa.float64())).to_numpy(zero_copy_only=False)
        _check_ms(column, np.where(np.isfinite(floats), floats, -1.0), fail)
        return floats.astype(np.int64)
    if is_text:
        try:
            stamps = pc.cast(pc.utf8_trim_whitespace(column), pa.timestamp("ms", tz="UTC"))
            if stamps.null_count == 0:
                millis = _combined(pc.cast(stamps, pa.int64())).to_numpy(zero_copy_only=False)
                return _check_ms(column, millis, fail)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    return _check_ms(column, _mixed_event_time(pd.Series(_combined(column).to_pylist(), dtype=object), fail),
                     fail)


def _mixed_event_time(column: pd.Series, fail: Fail) -> np.ndarray:
    """Slow path: per-cell epoch ms or ISO-8601 (zone-less = UTC), naming the first bad cell."""
    text = column.astype("string").str.strip()
    ms = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    out = np.zeros(len(column), dtype=np.int64)
    is_number = ~np.isnan(ms)
    outside = is_number & ~((ms >= 0) & (ms <= MAX_EVENT_TIME_MS))
    if outside.any():
        row = _first(outside)
        raise fail(f"timestamp {column.iloc[row]!r} is out of range ({_RANGE})", row)
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
