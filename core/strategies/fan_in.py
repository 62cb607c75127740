"""``fan_in``: every record to one target worker — one place sees everything (global aggregates)."""

from __future__ import annotations

from typing import Any

import numpy as np

from core.errors import InvalidConfigError
from core.strategies.base import RoutingContext, Strategy
from core.workload.batch import Batch

__all__ = ["FanIn"]


class FanIn(Strategy):
    """Route all records to ``target`` (default: the context's ``fan_in_target``, itself 0 by default).

    ``workers`` is optional at construction; when given, a target outside ``0..workers-1`` is
    refused immediately rather than on the first batch.
    """

    name = "fan_in"

    def __init__(self, target: int | None = None, workers: int | None = None) -> None:
        super().__init__()
        if target is not None:
            _check_target(target, workers)
        self.target = target

    def _route(self, batch: Batch, ctx: RoutingContext) -> np.ndarray:
        target = ctx.fan_in_target if self.target is None else self.target
        _check_target(target, ctx.workers)
        return np.full(len(batch), target, dtype=np.int32)

    def stats(self) -> dict[str, Any]:
        return {**super().stats(), "target": self.target}

    def __repr__(self) -> str:
        return f"FanIn(target={self.target})"


def _check_target(target: int, workers: int | None) -> None:
    if isinstance(target, bool) or not isinstance(target, int | np.integer) or target < 0:
        raise InvalidConfigError(f"fan_in target must be a worker index >= 0, got {target!r}")
    if workers is not None and target >= workers:
        raise InvalidConfigError(
            f"fan_in target {target} does not exist with {workers} workers (valid 0..{workers - 1}); "
            "lower the target or add workers"
        )
