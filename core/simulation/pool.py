"""The process engine: logical workers hosted by OS processes, fed through shared memory.

The coordinator writes each chunk once into a ring of shared slots; every process reads the shares
of the workers it hosts straight from the slot (no per-record messages, no per-process copy of the
batch) and acknowledges the slot. Processes start with ``forkserver`` (``spawn`` where unavailable):
``fork`` from a threaded server such as Streamlit's can deadlock. This module never imports
streamlit: worker processes import it.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing as mp
import signal
import time
import traceback
from multiprocessing import connection
from typing import Any

import numpy as np

from core.errors import WorkerFailedError
from core.simulation.engine import Engine, Host
from core.simulation.slots import INT_COLUMNS, Layout, SharedBlock
from core.simulation.worker import Chunk, OperatorSpec, WorkerOutput

__all__ = ["ProcessEngine"]

_SLOTS = 3  # enough to overlap routing of the next chunk with processing of the previous ones


def _child(index: int, conn: Any, paths: list[str], layout: Layout, spec: OperatorSpec,
           hosted: list[tuple[int, int]]) -> None:
    """A worker process: host its logical workers until told to finish or the coordinator goes away."""
    # Ctrl-C reaches the whole process group; the coordinator decides how to stop its children.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    slots = [SharedBlock(layout.nbytes, p) for p in paths]
    views = [layout.arrays(s.map) for s in slots]
    host = Host(spec, hosted)
    conn.send(("ready",))
    try:
        while True:
            try:
                msg = conn.recv()
            except EOFError:
                return  # the coordinator is gone: never linger as an orphan
            if msg[0] == "batch":
                _, slot, n = msg
                ints, vals, orders, bounds = views[slot]
                chunk = Chunk(key=ints["key"][:n], stream=ints["stream"][:n], time=ints["time"][:n],
                              offset=ints["offset"][:n], seq=ints["seq"][:n],
                              values=tuple(v[:n] for v in vals))
                host.process(chunk, [o[:n] for o in orders], bounds)
                conn.send(("ack", slot))
            elif msg[0] == "finish":
                conn.send(("done", host.finish()))
                return
    except Exception:
        with contextlib.suppress(Exception):
            conn.send(("error", traceback.format_exc()))
    finally:
        del views
        for s in slots:
            s.close()


def _stop_forkserver() -> None:
    """Stop the fork server at exit and wait for it, so no helper process outlives the program.

    It would stop by itself once it notices the exit, a moment later; a supervisor checking for
    leftover processes right after the exit would count it. ``_stop`` is private (CPython uses it in
    its own tests), hence the guards.
    """
    from multiprocessing import forkserver

    stop = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
    if callable(stop):
        with contextlib.suppress(Exception):
            stop()


def _context() -> Any:
    """The start method's context (typed Any: typeshed's BaseContext lacks ``Process``)."""
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        # Children fork from a server that already imported numpy and this module: fast starts.
        ctx.set_forkserver_preload(["core.simulation.pool"])
        atexit.unregister(_stop_forkserver)  # once, however many runs
        atexit.register(_stop_forkserver)
        return ctx
    return mp.get_context("spawn")


class ProcessEngine(Engine):
    """``processes`` OS processes; logical worker ``w`` of strategy ``s`` lives in process ``(s + w) % P``."""

    def __init__(self, spec: OperatorSpec, strategies: int, workers: int, processes: int,
                 capacity: int, values: int, deadline_s: float) -> None:
        self.shape = (strategies, workers)
        self.deadline_s = deadline_s
        self.layout = Layout(capacity, values, strategies, workers)
        self.slots: list[SharedBlock] = []
        self.procs: list[Any] = []
        self.conns: list[Any] = []
        self.busy: list[set[int]] = [set() for _ in range(_SLOTS)]  # processes still reading a slot
        self.next_slot = 0
        self.closed = False
        self.finishing = False
        self.pending_done: set[int] = set()
        self.results: dict[tuple[int, int], WorkerOutput] = {}
        self.starting: set[int] = set()
        try:
            self.slots = [SharedBlock(self.layout.nbytes) for _ in range(_SLOTS)]
            self.views = [self.layout.arrays(s.map) for s in self.slots]
            ctx = _context()
            for p in range(processes):
                # Shifted by strategy so the hot worker 0 of fan-in and the reference's worker 0 (the
                # last "strategy") land on different processes.
                hosted = [(s, w) for s in range(strategies) for w in range(workers)
                          if (s + w) % processes == p]
                parent, child = ctx.Pipe()
                proc = ctx.Process(target=_child, name=f"partition-lab-worker-{p}", daemon=True,
                                   args=(p, child, [s.path for s in self.slots], self.layout, spec, hosted))
                proc.start()
                child.close()
                self.procs.append(proc)
                self.conns.append(parent)
            # Once every child has mapped the slots their names are no longer needed: removing them
            # now means nothing is left in /dev/shm even if this process is killed outright.
            self.starting = set(range(processes))
            self._wait(lambda: not self.starting, "starting")
            for block in self.slots:
                block.unlink()
        except BaseException:
            self.close()
            raise

    def submit(self, chunk: Chunk, orders: list[np.ndarray], bounds: np.ndarray) -> None:
        slot = self.next_slot
        self.next_slot = (slot + 1) % _SLOTS
        self._wait(lambda: not self.busy[slot], f"releasing shared slot {slot}")
        ints, vals, slot_orders, slot_bounds = self.views[slot]
        slot_bounds[:] = bounds
        n = len(chunk)
        for name in INT_COLUMNS:
            ints[name][:n] = getattr(chunk, name)
        for dst, src in zip(vals, chunk.values, strict=True):
            dst[:n] = src
        for dst, src in zip(slot_orders, orders, strict=True):
            dst[:n] = src
        for p, conn in enumerate(self.conns):
            self._send(p, conn, ("batch", slot, n))
            self.busy[slot].add(p)

    def finish(self) -> list[list[WorkerOutput]]:
        self.finishing = True
        self.pending_done = set(range(len(self.procs)))
        for p, conn in enumerate(self.conns):
            self._send(p, conn, ("finish",))
        self._wait(lambda: not self.pending_done, "finishing")
        return [[self.results[(s, w)] for w in range(self.shape[1])] for s in range(self.shape[0])]

    def _send(self, p: int, conn: Any, msg: tuple[Any, ...]) -> None:
        try:
            conn.send(msg)
        except (BrokenPipeError, ConnectionResetError, EOFError, OSError):
            raise self._died(p) from None

    def _died(self, p: int) -> WorkerFailedError:
        proc = self.procs[p]
        proc.join(timeout=1.0)
        return WorkerFailedError(
            f"worker process {p} (pid {proc.pid}) died with exit code {proc.exitcode}; the simulation "
            "stopped. If it was killed for memory, lower --records/--keys or run with --processes 0; "
            "a script that simulates with processes must guard its top level with "
            "if __name__ == '__main__'"
        )

    def _wait(self, done: Any, what: str) -> None:
        deadline = time.monotonic() + self.deadline_s
        while not done():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                late = sorted({p for s in self.busy for p in s} | self.pending_done | self.starting)
                raise WorkerFailedError(
                    f"worker process(es) {late} did not answer within {self.deadline_s:g} s while "
                    f"{what}; the simulation stopped. Raise worker_deadline_s for very large runs"
                )
            # A child may exit only after sending "done": those are no longer watched.
            live = [p for p in range(len(self.procs)) if not (self.finishing and p not in self.pending_done)]
            ready = connection.wait([*(self.conns[p] for p in live), *(self.procs[p].sentinel for p in live)],
                                    timeout=remaining)
            for p in live:
                if self.conns[p] in ready:
                    self._receive(p)
            for p in live:
                finished = self.finishing and p not in self.pending_done
                if self.procs[p].sentinel in ready and not finished and not self.conns[p].poll():
                    raise self._died(p)

    def _receive(self, p: int) -> None:
        try:
            msg = self.conns[p].recv()
        except (EOFError, OSError):
            raise self._died(p) from None
        if msg[0] == "ack":
            self.busy[msg[1]].discard(p)
        elif msg[0] == "ready":
            self.starting.discard(p)
        elif msg[0] == "done":
            self.results.update(msg[1])
            self.pending_done.discard(p)
        elif msg[0] == "error":
            raise WorkerFailedError(f"worker process {p} failed:\n{msg[1]}")

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        for block in self.slots:
            block.unlink()  # first: it cannot fail, and nothing may stay behind in /dev/shm
        for conn in self.conns:
            with contextlib.suppress(Exception):
                conn.close()
        # Each child by its own pid: a polite terminate, then kill whatever still runs.
        for proc in self.procs:
            if proc.is_alive():
                proc.terminate()
        for proc in self.procs:
            proc.join(timeout=1.0)
            if proc.is_alive():  # stopped or stuck: SIGTERM cannot reach it
                proc.kill()
                proc.join(timeout=2.0)
        self.views = []
        for block in self.slots:
            block.close()
