"""Simulation: replay a source through the strategies on real worker processes and judge the results.

``simulate`` is the entry point; ``SimulationConfig`` holds every option; ``SimulationResult`` /
``StrategyMetrics`` are what comes back (``to_dict()`` is the ``simulate --json`` object).
"""

from __future__ import annotations

from core.simulation.api import simulate
from core.simulation.config import SimulationConfig
from core.simulation.result import SimulationResult, StrategyMetrics

__all__ = ["simulate", "SimulationConfig", "SimulationResult", "StrategyMetrics"]
