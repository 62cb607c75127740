"""Simulation: replay a source through the strategies on real worker processes and judge the results.

``simulate`` is the entry point; ``SimulationConfig`` holds every option; ``SimulationResult`` /
``StrategyMetrics`` are what comes back (``to_dict()`` is the ``simulate --json`` object).
"""

from __future__ import annotations

from core.simulation import whatif
from core.simulation.api import simulate
from core.simulation.config import SimulationConfig
from core.simulation.hot_keys import SAMPLE_RECORDS, hot_key_routing
from core.simulation.result import SimulationResult, StrategyMetrics
from core.simulation.throughput import worker_capacity
from core.simulation.whatif.pkg import MAX_CHOICES
from core.simulation.whatif.salting import MAX_SALT

__all__ = ["simulate", "SimulationConfig", "SimulationResult", "StrategyMetrics", "SAMPLE_RECORDS",
           "hot_key_routing", "worker_capacity", "whatif", "MAX_CHOICES", "MAX_SALT"]
