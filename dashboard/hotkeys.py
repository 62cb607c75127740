"""Where the hottest keys go: core computes it (:mod:`core.simulation.hot_keys`); this shapes it for
the heatmap (one DataFrame per strategy)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from core.simulation import SAMPLE_RECORDS
from core.simulation import hot_key_routing as _hot_key_routing
from dashboard.scenario import Scenario

__all__ = ["hot_key_routing", "SAMPLE_RECORDS"]


def hot_key_routing(scenario: Scenario, result: Any, top: int = 12) -> dict[str, pd.DataFrame] | None:
    """``{strategy: records of each hot key (rows) per worker (columns)}``, or None when the
    result's topic cannot be reproduced simply (traces, multi-column or foreign source keys)."""
    routing = _hot_key_routing(result, top=top)
    return None if routing is None else routing.frames()
