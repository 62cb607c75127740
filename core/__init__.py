"""Partition Lab: pick and compare partitioning strategies for streaming SQL.

The public surface is small on purpose: ``analyze`` (and ``simulate``), their result types and the
error root. Everything else lives in the subpackages.
"""

from __future__ import annotations

import importlib
from typing import Any

from core.decide import AnalysisResult, analyze, format_report
from core.errors import (
    InvalidConfigError,
    PartitionLabError,
    SqlSyntaxError,
    TraceError,
    TreeFileError,
    UnknownStrategyError,
    WorkerFailedError,
)

# --- simulation (owned by core.simulation). Re-exported lazily: `partition-lab analyze` and
# `import core` stay fast and keep working without numpy/multiprocessing being loaded.
_SIMULATION_NAMES = ("simulate", "SimulationConfig", "SimulationResult", "StrategyMetrics")


def __getattr__(name: str) -> Any:
    """``core.simulate`` and friends, imported from ``core.simulation`` on first use."""
    if name in _SIMULATION_NAMES:
        # importlib, not an import statement: the analysis side never depends on simulation code.
        return getattr(importlib.import_module("core.simulation"), name)
    raise AttributeError(f"module 'core' has no attribute {name!r}")


__all__ = [
    "analyze",
    "AnalysisResult",
    "format_report",
    "simulate",
    "SimulationConfig",
    "SimulationResult",
    "StrategyMetrics",
    "PartitionLabError",
    "SqlSyntaxError",
    "UnknownStrategyError",
    "InvalidConfigError",
    "TreeFileError",
    "TraceError",
    "WorkerFailedError",
]
