"""Real results for tests: a small query analyzed and simulated by the real ``analyze``/``simulate``.

Dashboard and export tests draw these instead of a hand-made dict, so a change of the result's
shape or meaning reaches them. The run is tiny (2,000 records, 4 workers, inline engine, 3 time
buckets) and cached: build it once per process.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from core.decide import AnalysisResult, analyze
from core.simulation import SimulationConfig, SimulationResult, simulate

__all__ = ["SMALL_SQL", "SMALL_SOURCE_KEYS", "SMALL_CONFIG", "SmallRun", "small_run", "small_result_dict"]

# Keyed by its GROUP BY column: smart_repartition routes every record naturally, round_robin splits
# the groups (wrong), fan_in puts everything on one worker: a result with winners and losers to draw.
SMALL_SQL = ("SELECT symbol, COUNT(*) AS trades, SUM(price) AS notional FROM trades GROUP BY symbol "
             "EMIT CHANGES;")
SMALL_SOURCE_KEYS = ("trades=symbol",)
SMALL_CONFIG = SimulationConfig(records=2_000, partitions=8, workers=4, keys=50, distribution="zipf:1.1",
                                processes=0, seed=7, buckets=3, batch_size=500)


@dataclass(frozen=True)
class SmallRun:
    """The query, its analysis and its simulation (every strategy, in ``STRATEGY_NAMES`` order)."""

    sql: str
    source_keys: tuple[str, ...]
    analysis: AnalysisResult
    result: SimulationResult


@functools.cache
def small_run() -> SmallRun:
    """The small query analyzed and simulated once per process (both results are frozen)."""
    analysis = analyze(SMALL_SQL, source_keys=SMALL_SOURCE_KEYS)
    result = simulate(SMALL_SQL, source_keys=SMALL_SOURCE_KEYS, config=SMALL_CONFIG)
    return SmallRun(SMALL_SQL, SMALL_SOURCE_KEYS, analysis, result)


def small_result_dict() -> dict[str, Any]:
    """A fresh ``to_dict()`` of the small run's result (callers may edit it)."""
    return small_run().result.to_dict()
