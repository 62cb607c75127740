"""Benchmarks: ``partition-lab bench`` (routing, simulation, plain-simulator comparison, peak memory)."""

from __future__ import annotations

from core.bench.memory import MemoryReport, measure_command
from core.bench.runner import BENCH_SQL, BenchOptions, run_bench
from core.bench.table import format_table

__all__ = ["BenchOptions", "BENCH_SQL", "run_bench", "format_table", "measure_command", "MemoryReport"]
