"""Replaying recorded Kafka traffic: :func:`read_trace` opens and validates a trace file.

Modules: ``reader`` (read_trace, Trace, the replay), ``formats`` (CSV, kcat CSV, Parquet readers),
``guard`` (byte-level limits checked before any native parser sees the file), ``json_scan`` (JSON
depth/field bounds), ``schema`` (Parquet column types), ``columns`` (Arrow -> Batch columns),
``json_values`` (flattening a JSON ``value`` column), ``limits`` (the stated bounds).
"""

from __future__ import annotations

from core.workload.trace.reader import ENVELOPE_COLUMNS, Trace, read_trace

__all__ = ["ENVELOPE_COLUMNS", "Trace", "read_trace"]
