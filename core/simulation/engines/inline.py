"""The inline engine: every logical worker in the calling process (no process start, no copies)."""

from __future__ import annotations

import numpy as np

from core.simulation.engines.base import Engine, Host
from core.simulation.worker import Chunk, OperatorSpec, WorkerOutput

__all__ = ["InlineEngine"]


class InlineEngine(Engine):
    def __init__(self, spec: OperatorSpec, strategies: int, workers: int) -> None:
        self.shape = (strategies, workers)
        self.host = Host(spec, [(s, w) for s in range(strategies) for w in range(workers)])

    def submit(self, chunk: Chunk, routes: np.ndarray, counts: np.ndarray) -> None:
        self.host.process(chunk, routes, counts)

    def finish(self) -> list[list[WorkerOutput]]:
        done = self.host.finish()
        return [[done[(s, w)] for w in range(self.shape[1])] for s in range(self.shape[0])]


