"""Worker faults: a worker killed mid-run, a worker that hangs past the deadline, a request too large
for memory. Each must end in a clear error within seconds and leave no process behind.

core/simulation has no fault-injection hook, so faults are injected from outside: the progress
callback (called by the coordinator after each chunk) signals one worker process — SIGKILL for a
crash, SIGSTOP for a hang — and the memory case runs the CLI under an address-space limit.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from core.bench.memory import measure_command
from core.errors import WorkerFailedError
from core.simulation.api import simulate
from core.simulation.config import SimulationConfig

SQL = "SELECT merchant_id, COUNT(*) AS n, SUM(amount) AS total FROM payments GROUP BY merchant_id"


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state == "Z"  # a zombie runs nothing; its parent (the fork server) reaps it


class _Saboteur:
    """A progress callback that sends ``sig`` to one worker process once ``at`` of the run is done."""

    def __init__(self, sig: signal.Signals, at: float = 0.2) -> None:
        self.sig, self.at = sig, at
        self.victim: int | None = None
        self.workers: list[int] = []
        self.fired_at = 0.0

    def __call__(self, fraction: float) -> None:
        if self.victim is None and fraction >= self.at:
            children = multiprocessing.active_children()
            workers = [p for p in children if p.name.startswith("partition-lab-worker")]
            assert workers, "no worker process to sabotage: is the run multiprocess?"
            self.workers = [p.pid for p in workers if p.pid is not None]
            self.victim = self.workers[-1]
            self.fired_at = time.monotonic()
            os.kill(self.victim, self.sig)


def _run(saboteur: Callable[[float], None], deadline_s: float = 60.0) -> None:
    config = SimulationConfig(records=3_000_000, workers=2, processes=2, keys=1000, batch_size=20_000,
                              worker_deadline_s=deadline_s)
    simulate(SQL, config=config, strategies="always_hash,sticky", progress=saboteur)


def _no_orphans(saboteur: _Saboteur) -> None:
    assert multiprocessing.active_children() == []
    deadline = time.monotonic() + 5
    while not all(_gone(pid) for pid in saboteur.workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(_gone(pid) for pid in saboteur.workers), saboteur.workers


def test_a_killed_worker_stops_the_run_with_a_clear_error() -> None:
    saboteur = _Saboteur(signal.SIGKILL)
    with pytest.raises(WorkerFailedError) as err:
        _run(saboteur)
    waited = time.monotonic() - saboteur.fired_at
    message = str(err.value)
    assert saboteur.victim is not None and f"pid {saboteur.victim}" in message and "died" in message, message
    assert waited < 5, f"the failure surfaced {waited:.1f} s after the kill"
    _no_orphans(saboteur)


def test_a_hung_worker_fails_after_the_deadline() -> None:
    saboteur = _Saboteur(signal.SIGSTOP)
    with pytest.raises(WorkerFailedError) as err:
        _run(saboteur, deadline_s=1.5)
    waited = time.monotonic() - saboteur.fired_at
    assert "did not answer within 1.5 s" in str(err.value), str(err.value)
    assert waited < 1.5 + 5, f"the hang surfaced {waited:.1f} s after the worker stopped"
    _no_orphans(saboteur)


def test_a_run_without_faults_leaves_no_process_behind() -> None:
    # The control case for the two above: same run, nothing injected.
    config = SimulationConfig(records=200_000, workers=2, processes=2, keys=1000, batch_size=20_000)
    result = simulate(SQL, config=config, strategies="always_hash,sticky")
    assert result.processes == 2 and multiprocessing.active_children() == []


def test_a_request_too_large_for_memory_fails_cleanly(tmp_path: Path) -> None:
    # 10 million distinct keys on a machine with 1.5 GB of address space, with worker processes
    # (the inline engine fails at the same place: the coordinator routes before any worker runs).
    query = tmp_path / "q.sql"
    query.write_text(SQL + ";\n", encoding="utf-8")
    argv = [sys.executable, "-c", "import sys; from core.cli import main; sys.exit(main())", "simulate",
            str(query), "--keys", "10000000", "--records", "3000000", "--processes", "2"]
    report = measure_command(argv, timeout=120, limit_mb=1536)
    assert not report.timed_out and report.wall_s < 60
    assert report.leftover == (), report.leftover
    assert report.returncode == 2, report.stderr[-1500:]
    assert report.stderr.startswith("error: ") and "Traceback" not in report.stderr, report.stderr[-1500:]
    assert "memory" in report.stderr.lower(), report.stderr[-1500:]
