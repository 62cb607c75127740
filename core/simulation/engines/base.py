"""What every engine shares: :class:`Host` holds logical workers, :class:`Engine` is the interface.

The inline engine (:mod:`core.simulation.engines.inline`) and the process engine
(:mod:`core.simulation.engines.process`) both run the same :class:`Host` code, so they give identical
results for the same input.
"""

from __future__ import annotations

import numpy as np

from core.simulation.worker import Chunk, Operator, OperatorSpec, WorkerOutput, needed_fields

__all__ = ["Host", "Engine"]

# Every this many source records all workers reduce their pending rows: with many workers each
# share is small and no table would reach its own threshold, so raw rows would pile up. Keyed to
# arrival numbers, never to a process's load, so inline and process runs reduce at the same points
# (same float summation order, same results to the last bit).
_FLUSH_EVERY = 1 << 18
# Up to this many split shares of one strategy are found by scanning the route once per worker;
# beyond, one stable sort of the route is cheaper.
_SCANS = 6


class Host:
    """The logical workers ``(strategy, worker)`` one process runs, each with its own state."""

    def __init__(self, spec: OperatorSpec, hosted: list[tuple[int, int]]) -> None:
        self.hosted = hosted
        self.operators = {sw: Operator(spec) for sw in hosted}
        self.fields = needed_fields(spec)
        self.by_strategy: dict[int, list[tuple[int, Operator]]] = {}
        for (s, w), op in self.operators.items():
            self.by_strategy.setdefault(s, []).append((w, op))

    def process(self, chunk: Chunk, routes: np.ndarray, counts: np.ndarray) -> None:
        """``routes[s]`` holds strategy ``s``'s worker for every record of ``chunk``; ``counts[s, w]``
        how many records it sends to worker ``w``. Each hosted worker gets exactly its records, in
        arrival order; this process splits the chunk itself, only for the workers it hosts."""
        n = len(chunk)
        for s, ops in self.by_strategy.items():
            parts = [(w, op, int(counts[s, w])) for w, op in ops]
            split = sum(1 for _, _, c in parts if 0 < c < n)
            # A few hosted workers: one comparison each. Many: one stable sort of the whole route.
            order = _grouped(routes[s]) if split > _SCANS else None
            bounds = np.concatenate(([0], np.cumsum(counts[s]))) if order is not None else None
            for w, op, c in parts:
                if not c:
                    continue
                if c == n:
                    op.process(chunk)  # the whole chunk (fan-in, the reference): nothing to gather
                    continue
                index = (order[bounds[w]:bounds[w + 1]] if order is not None and bounds is not None
                         else np.flatnonzero(routes[s] == w))
                op.process(chunk.take(index, self.fields))
        if n and (int(chunk.seq[-1]) + 1) // _FLUSH_EVERY > int(chunk.seq[0]) // _FLUSH_EVERY:
            for op in self.operators.values():
                op.compact()

    def finish(self) -> dict[tuple[int, int], WorkerOutput]:
        return {sw: op.finish() for sw, op in self.operators.items()}


def _grouped(route: np.ndarray) -> np.ndarray:
    """Record indices grouped by worker, each group ascending (stable; int16 gets a radix sort)."""
    keys = route.astype(np.int16) if len(route) and int(route.max()) <= 32767 else route
    return np.argsort(keys, kind="stable")


class Engine:
    """Runs ``strategies × workers`` logical workers; ``submit`` chunks, then ``finish``."""

    def submit(self, chunk: Chunk, routes: np.ndarray, counts: np.ndarray) -> None:
        """Hand one chunk and every strategy's routing of it (see :meth:`Host.process`) to the workers."""
        raise NotImplementedError

    def finish(self) -> list[list[WorkerOutput]]:
        raise NotImplementedError

    def close(self) -> None:
        """Release every resource; safe to call twice and after a failure."""
