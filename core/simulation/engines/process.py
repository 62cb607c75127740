"""The process engine: logical workers hosted by OS processes, fed through shared memory.

The coordinator writes each chunk once into a ring of shared slots — the columns the operator
reads plus every strategy's route — and sends each process one small message per chunk. A process
copies the chunk out, acknowledges the slot at once (so the coordinator never waits for the work
itself, only for a free slot) and splits the chunk for the workers it hosts. Processes start from
a fork server (``spawn`` where there is none), never with plain ``fork``: forking a threaded server
such as Streamlit's can deadlock. Children never re-run the caller's ``__main__`` (a Streamlit page,
a test runner's script, an unguarded user script): everything they run lives in this package. This
module never imports streamlit: worker processes import it. ``PARTITION_LAB_PROFILE_DIR=folder``
makes every worker process write a cProfile of its run there.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing as mp
import os
import signal
import sys
import time
import types
from collections.abc import Iterator
from multiprocessing import connection
from typing import Any

import numpy as np

from core.errors import WorkerFailedError
from core.simulation.engines.base import Engine, Host
from core.simulation.slots import INT_COLUMNS, Layout, SharedBlock, read_chunks, write_chunk
from core.simulation.worker import Chunk, OperatorSpec, WorkerOutput, needed_fields

__all__ = ["ProcessEngine"]

# Children copy a slot's chunks out and acknowledge before working on them, so a slot is busy only
# for that copy: three let the coordinator fill one while children copy another.
_SLOTS = 3
# A slot carries up to this many records (and chunks): one message, one copy, one acknowledgement.
_GROUP_RECORDS = 1 << 16
_GROUP_CHUNKS = 64
_PROFILE_ENV = "PARTITION_LAB_PROFILE_DIR"


def _child(index: int, conn: Any, paths: list[str], layout: Layout, spec: OperatorSpec,
           hosted: list[tuple[int, int]]) -> None:
    """A worker process: host its logical workers until told to finish or the coordinator goes away."""
    # Ctrl-C reaches the whole process group; the coordinator decides how to stop its children.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    slots = [SharedBlock(layout.nbytes, p) for p in paths]
    views = [layout.arrays(s.map) for s in slots]
    host = Host(spec, hosted)
    profile = _profiler()
    conn.send(("ready",))
    try:
        while True:
            try:
                msg = conn.recv()
            except (EOFError, OSError):
                return  # the coordinator is gone (exited, or failed and closed): never linger as an orphan
            if msg[0] == "batch":
                _, slot, sizes, first = msg
                chunks = read_chunks(views[slot], sizes, first)
                # Copied out: the slot goes back to the coordinator before the work starts, so it
                # can fill it with later chunks meanwhile (and operators may keep these arrays).
                conn.send(("ack", slot))
                for chunk, routes, counts in chunks:  # the coordinator's chunks, exactly as inline
                    host.process(chunk, routes, counts)
            elif msg[0] == "finish":
                done = host.finish()
                if profile is not None:  # before answering: the coordinator may stop us right after
                    profile.disable()
                    profile.dump_stats(f"{os.environ[_PROFILE_ENV]}/worker-{index}-{os.getpid()}.prof")
                conn.send(("done", done))
                return
    except Exception as exc:
        # One line for the user, never a traceback on their terminal (children share its stderr).
        with contextlib.suppress(Exception):
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        del views
        for s in slots:
            s.close()


def _profiler() -> Any:
    """A running cProfile when ``PARTITION_LAB_PROFILE_DIR`` names a folder (dumped at the end)."""
    if not os.environ.get(_PROFILE_ENV):
        return None
    import cProfile

    profile = cProfile.Profile()
    profile.enable()
    return profile


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
    """The start method's context (typed Any: typeshed's BaseContext lacks ``Process``).

    The fork server boots once per program (most of a second: it imports the library) and then
    forks each worker process in milliseconds, with numpy and this module already imported.
    """
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["core.simulation.engines.process"])
        atexit.unregister(_stop_forkserver)  # once, however many runs
        atexit.register(_stop_forkserver)
        return ctx
    return mp.get_context("spawn")


@contextlib.contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Start children without telling them the caller's ``__main__``.

    multiprocessing re-runs the parent's main script in every spawned or fork-server child so that
    functions defined there can be unpickled. Ours live in this package, so re-running the caller's
    script is pure harm: Streamlit's app.py would draw a page, an AppTest's temporary script fails,
    and an unguarded user script would start a simulation in each child.
    """
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if saved is not None:
            sys.modules["__main__"] = saved


class ProcessEngine(Engine):
    """``processes`` OS processes; logical worker ``w`` of strategy ``s`` lives in process ``(s + w) % P``."""

    def __init__(self, spec: OperatorSpec, strategies: int, workers: int, processes: int,
                 capacity: int, values: int, deadline_s: float) -> None:
        self.shape = (strategies, workers)
        self.deadline_s = deadline_s
        fields = needed_fields(spec)
        columns = tuple(c for c in INT_COLUMNS if c in fields)
        # Several chunks per slot and message: far fewer messages, acknowledgements and wake-ups,
        # while each process still runs every chunk on its own, exactly as the inline engine does.
        chunks = max(1, min(_GROUP_CHUNKS, _GROUP_RECORDS // capacity))
        self.chunk_capacity = capacity
        self.layout = Layout(capacity * chunks, columns, values if "values" in fields else 0, strategies,
                             workers, chunks)
        self.sizes: list[int] = []  # chunks gathered in the slot being filled
        self.first_seq = 0
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
                with _main_module_hidden():
                    proc.start()
                child.close()
                self.procs.append(proc)
                self.conns.append(parent)
            self.starting = set(range(processes))
        except BaseException:
            self.close()
            raise

    def submit(self, chunk: Chunk, routes: np.ndarray, counts: np.ndarray) -> None:
        slot = self.next_slot
        if not self.sizes:
            # Children may still be starting: their messages wait in the pipe meanwhile.
            if self.busy[slot]:
                self._wait(lambda: not self.busy[slot], f"releasing shared slot {slot}")
            self.first_seq = int(chunk.seq[0]) if len(chunk) else 0
        hi = write_chunk(self.views[slot], self.sizes, chunk, routes, counts)
        self.sizes.append(len(chunk))
        if len(self.sizes) == self.layout.chunks or hi + self.chunk_capacity > self.layout.capacity:
            self._flush()

    def _flush(self) -> None:
        """Hand the chunks gathered in the current slot to every process: one message for all."""
        if not self.sizes:
            return
        slot = self.next_slot
        self.next_slot = (slot + 1) % _SLOTS
        for p, conn in enumerate(self.conns):
            self._send(p, conn, ("batch", slot, self.sizes, self.first_seq))
            self.busy[slot].add(p)
        self.sizes = []

    def finish(self) -> list[list[WorkerOutput]]:
        self._flush()
        self._wait(lambda: not self.starting, "starting")
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
            "stopped. If it was killed for memory, lower --records/--keys or run with --processes 0"
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
            if not self.starting:
                # Every child has mapped the slots: their names are no longer needed, and without
                # them nothing is left in /dev/shm even if this process is killed outright.
                for block in self.slots:
                    block.unlink()
        elif msg[0] == "done":
            self.results.update(msg[1])
            self.pending_done.discard(p)
        elif msg[0] == "error":
            raise WorkerFailedError(f"worker process {p} failed: {msg[1]}; the simulation stopped")

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
