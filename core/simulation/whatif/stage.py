"""One stage's records in, per-worker loads and skew: what every what-if reports per stage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from core.simulation.metrics import skew_metrics
from core.simulation.result import _json

__all__ = ["StageLoads", "stage_loads", "worker_loads"]


@dataclass(frozen=True)
class StageLoads:
    """``records_in`` records spread as ``loads`` over W workers; ``skew`` has every skew metric."""

    name: str
    kind: str  # the exchange feeding the stage: hash, forward, ...
    records_in: int
    loads: tuple[int, ...]
    skew: dict[str, float]

    @property
    def max_mean(self) -> float:
        return self.skew["max_mean"]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "records_in": self.records_in,
                "loads": list(self.loads), **_json(self.skew)}


def worker_loads(workers_of_keys: np.ndarray, weights: np.ndarray, workers: int) -> np.ndarray:
    """Sum of ``weights`` per worker (int64), one weight and one worker per key."""
    return np.bincount(np.asarray(workers_of_keys, dtype=np.int64), weights=np.asarray(weights, np.float64),
                       minlength=workers).round().astype(np.int64)


def stage_loads(name: str, kind: str, loads: np.ndarray) -> StageLoads:
    x = np.asarray(loads, dtype=np.int64)
    return StageLoads(name, kind, int(x.sum()), tuple(int(v) for v in x), skew_metrics(x))
