"""``smart_repartition``: keep records where they are when the source is aligned, else hash.

Aligned (DESIGN.md, *Alignment*) means every group sits in one source partition, so
``source_partition % W`` already co-locates each group for any W: a *natural hit*, no shuffle.
Otherwise the record is routed like ``always_hash``: a *repartition hit*.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.strategies.base import RoutingContext, Strategy, hash_route, source_route
from core.workload.batch import Batch

__all__ = ["SmartRepartition"]


class SmartRepartition(Strategy):
    """Natural routing for an aligned source, hash routing otherwise; counts both kinds of hits."""

    name = "smart_repartition"

    def __init__(self, aligned: bool = False) -> None:
        super().__init__()
        self.aligned = bool(aligned)
        self.natural_hits = 0
        self.repartition_hits = 0

    def _route(self, batch: Batch, ctx: RoutingContext) -> np.ndarray:
        if self.aligned:
            self.natural_hits += len(batch)
            return source_route(batch, ctx.workers)
        self.repartition_hits += len(batch)
        return hash_route(batch, ctx)

    def stats(self) -> dict[str, Any]:
        total = self.natural_hits + self.repartition_hits
        return {
            **super().stats(),
            "aligned": self.aligned,
            "natural_hits": self.natural_hits,
            "repartition_hits": self.repartition_hits,
            # Share of records that needed no shuffle; 0.0 before any record (nothing aligned yet).
            "alignment_pct": 100.0 * self.natural_hits / total if total else 0.0,
        }

    def __repr__(self) -> str:
        return f"SmartRepartition(aligned={self.aligned})"
