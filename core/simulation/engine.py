"""Where the logical workers run: :class:`Host` holds them; inline or in OS processes.

Both engines run the same :class:`Host` code, so they give identical results for the same input
(the process engine lives in :mod:`core.simulation.pool`).
"""

from __future__ import annotations

import numpy as np

from core.simulation.worker import Chunk, Operator, OperatorSpec, WorkerOutput

__all__ = ["Host", "Engine", "InlineEngine"]

# Every this many source records all workers reduce their pending rows: with many workers each
# share is small and no table would reach its own threshold, so raw rows would pile up. Keyed to
# arrival numbers, never to a process's load, so inline and process runs reduce at the same points
# (same float summation order, same results to the last bit).
_FLUSH_EVERY = 1 << 18


class Host:
    """The logical workers ``(strategy, worker)`` one process runs, each with its own state."""

    def __init__(self, spec: OperatorSpec, hosted: list[tuple[int, int]]) -> None:
        self.hosted = hosted
        self.operators = {sw: Operator(spec) for sw in hosted}

    def process(self, chunk: Chunk, orders: list[np.ndarray], bounds: np.ndarray) -> None:
        """``orders[s]`` lists record indices grouped by worker; worker w's share is
        ``orders[s][bounds[s, w]:bounds[s, w + 1]]`` (ascending, so arrival order is kept)."""
        for (s, w), op in self.operators.items():
            lo, hi = int(bounds[s, w]), int(bounds[s, w + 1])
            if hi > lo:
                op.process(chunk.take(orders[s][lo:hi]))
        if len(chunk) and (int(chunk.seq[-1]) + 1) // _FLUSH_EVERY > int(chunk.seq[0]) // _FLUSH_EVERY:
            for op in self.operators.values():
                op.compact()

    def finish(self) -> dict[tuple[int, int], WorkerOutput]:
        return {sw: op.finish() for sw, op in self.operators.items()}


class Engine:
    """Runs ``strategies × workers`` logical workers; ``submit`` chunks, then ``finish``."""

    def submit(self, chunk: Chunk, orders: list[np.ndarray], bounds: np.ndarray) -> None:
        raise NotImplementedError

    def finish(self) -> list[list[WorkerOutput]]:
        raise NotImplementedError

    def close(self) -> None:
        """Release every resource; safe to call twice and after a failure."""


class InlineEngine(Engine):
    def __init__(self, spec: OperatorSpec, strategies: int, workers: int) -> None:
        self.shape = (strategies, workers)
        self.host = Host(spec, [(s, w) for s in range(strategies) for w in range(workers)])

    def submit(self, chunk: Chunk, orders: list[np.ndarray], bounds: np.ndarray) -> None:
        self.host.process(chunk, orders, bounds)

    def finish(self) -> list[list[WorkerOutput]]:
        done = self.host.finish()
        return [[done[(s, w)] for w in range(self.shape[1])] for s in range(self.shape[0])]


