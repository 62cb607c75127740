"""``sticky_partition``: ``source_partition % W`` — each worker keeps the partitions it reads."""

from __future__ import annotations

import numpy as np

from core.strategies.base import RoutingContext, Strategy, source_route
from core.workload.batch import Batch

__all__ = ["StickyPartition"]


class StickyPartition(Strategy):
    """No shuffle at all; per-partition order is kept, keys are co-located only if the source is."""

    name = "sticky_partition"

    def _route(self, batch: Batch, ctx: RoutingContext) -> np.ndarray:
        return source_route(batch, ctx.workers)
