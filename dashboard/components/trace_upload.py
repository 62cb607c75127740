"""Trace upload (key ``trace_file``) and column mapping (keys ``map_partition``, ``map_key``,
``map_timestamp``, ``map_value``, ``map_offset``)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from core.limits import TRACE_UPLOAD_MB

__all__ = ["upload_trace", "preview", "map_columns", "TRACE_LIMIT_MB", "ROLES", "Upload"]

# Streamlit refuses larger uploads before buffering them (server.maxUploadSize, set by the launcher).
TRACE_LIMIT_MB = TRACE_UPLOAD_MB
_NONE = "(none)"
# Trace roles the replay understands, each with the file column names that usually hold it.
ROLES: dict[str, tuple[str, ...]] = {
    "partition": ("partition", "p", "kafka_partition"),
    "key": ("key", "k", "record_key"),
    "timestamp": ("timestamp", "ts", "time", "event_time"),
    "value": ("value", "payload", "v"),
    "offset": ("offset", "o"),
}


@dataclass(frozen=True)
class Upload:
    """An uploaded trace, kept in memory: its file name (for messages) and its bytes."""

    name: str
    content: bytes

    @property
    def parquet(self) -> bool:
        return self.name.lower().endswith(".parquet")


def upload_trace() -> Upload | None:
    """The uploaded CSV/Parquet trace (at most TRACE_LIMIT_MB), in memory: nothing is written here."""
    upload = st.file_uploader(
        "Trace file (CSV or Parquet)",
        type=["csv", "parquet"],
        key="trace_file",
        help=f"One row per record with at least the source partition; at most {TRACE_LIMIT_MB} MB here "
        "(the server refuses larger uploads before receiving them).",
    )
    if upload is None:
        return None
    if upload.size > TRACE_LIMIT_MB * 1024 * 1024:
        st.error(
            f"The file is {upload.size / 1024 / 1024:,.1f} MB; the dashboard takes traces up to "
            f"{TRACE_LIMIT_MB} MB. Replay larger traces with `partition-lab simulate --trace FILE`.",
            icon=":material/error:",
        )
        return None
    return Upload(upload.name, upload.getvalue())


def preview(upload: Upload, rows: int = 20) -> pd.DataFrame | None:
    """The first rows, for the column pickers and a look at the data (shown as text cells)."""
    try:
        if upload.parquet:
            return pd.read_parquet(io.BytesIO(upload.content)).head(rows)
        return pd.read_csv(
            io.BytesIO(upload.content), nrows=rows, dtype=str, keep_default_na=False, encoding="utf-8-sig"
        )
    except Exception as error:  # noqa: BLE001 — any unreadable upload is the user's file, not a bug
        st.error(
            f"Could not read the file's first rows: {type(error).__name__}. Is it a CSV with a header "
            "line, or a Parquet file?",
            icon=":material/error:",
        )
        return None


def map_columns(columns: list[str]) -> dict[str, str]:
    """Pick which file column plays each role; returns ``{file column: role}`` for renamed ones."""
    mapping: dict[str, str] = {}
    cells = st.columns(len(ROLES))
    lowered = {c.lower(): c for c in columns}
    for cell, (role, guesses) in zip(cells, ROLES.items(), strict=True):
        guess = next((lowered[g] for g in guesses if g in lowered), None)
        options = [_NONE, *columns]
        choice = cell.selectbox(
            f"{role} column", options, index=options.index(guess) if guess else 0, key=f"map_{role}"
        )
        if choice != _NONE and choice != role:
            mapping[choice] = role
    return mapping
