"""The process engine: same results as inline, and failures end fast with no child left behind."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from dataclasses import replace

import pytest

from core.errors import WorkerFailedError
from core.simulation import SimulationConfig, simulate

SQL = "SELECT symbol, COUNT(*), AVG(price), MAX(price) FROM trades GROUP BY symbol WINDOW TUMBLING(2s)"
SMALL = SimulationConfig(records=6000, keys=40, workers=3, processes=0, batch_size=500,
                         distribution="zipf:1.1")
_TIMINGS = ("busy_s", "routing_s", "measured_records_per_s")


def _comparable(config: SimulationConfig) -> dict[str, object]:
    d = simulate(SQL, config=config).to_dict()
    for key in ("wall_s", "processes"):
        d.pop(key)
    for m in d["strategies"].values():
        for key in _TIMINGS:
            m.pop(key)
    return d


def test_inline_equals_two_processes() -> None:
    assert _comparable(SMALL) == _comparable(replace(SMALL, processes=2))
    assert multiprocessing.active_children() == []


def _kill_first_child(sig: int) -> object:
    done = {"sent": False}

    def progress(fraction: float) -> None:
        children = multiprocessing.active_children()
        if not done["sent"] and children:
            os.kill(children[0].pid, sig)  # type: ignore[arg-type]
            done["sent"] = True

    return progress


def test_killed_worker_fails_fast_without_orphans() -> None:
    config = replace(SMALL, records=200_000, processes=2, batch_size=1000)
    started = time.monotonic()
    with pytest.raises(WorkerFailedError, match="died"):
        simulate(SQL, config=config, progress=_kill_first_child(signal.SIGKILL))  # type: ignore[arg-type]
    assert time.monotonic() - started < 20
    assert multiprocessing.active_children() == []


def test_hung_worker_hits_the_deadline() -> None:
    config = replace(SMALL, records=200_000, processes=2, batch_size=1000, worker_deadline_s=1.0)
    with pytest.raises(WorkerFailedError, match="did not answer within 1 s"):
        simulate(SQL, config=config, progress=_kill_first_child(signal.SIGSTOP))  # type: ignore[arg-type]
    assert multiprocessing.active_children() == []


def test_interrupt_stops_every_worker() -> None:
    def progress(fraction: float) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        simulate(SQL, config=replace(SMALL, processes=2), progress=progress)
    assert multiprocessing.active_children() == []
