"""``always_hash``: ``hash(routing key values) % W`` for every record — co-locates equal keys."""

from __future__ import annotations

import numpy as np

from core.strategies.base import RoutingContext, Strategy, hash_route
from core.workload.batch import Batch

__all__ = ["AlwaysHash"]


class AlwaysHash(Strategy):
    """Hash the routing keys of every record, whatever the source partitioning."""

    name = "always_hash"

    def _route(self, batch: Batch, ctx: RoutingContext) -> np.ndarray:
        return hash_route(batch, ctx)
