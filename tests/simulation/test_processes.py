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


def _comparable(config: SimulationConfig, sql: str = SQL) -> dict[str, object]:
    d = simulate(sql, config=config).to_dict()
    for key in ("wall_s", "processes"):
        d.pop(key)
    for m in d["strategies"].values():
        for key in _TIMINGS:
            m.pop(key)
    return d


def test_inline_equals_two_processes() -> None:
    assert _comparable(SMALL) == _comparable(replace(SMALL, processes=2))
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("sql", [
    "SELECT user_id, COUNT(*), MIN(price) FROM clicks GROUP BY user_id WINDOW SESSION(30s)",
    "SELECT DISTINCT symbol, venue FROM trades",
    "SELECT symbol, price, ROW_NUMBER() OVER (PARTITION BY symbol ORDER BY ts) FROM trades",
    "SELECT symbol, price FROM trades ORDER BY price",
])
def test_every_operator_is_bit_identical_in_processes(sql: str) -> None:
    # Chunks that do not divide the run, several chunks per shared slot, 3 processes for 4 workers.
    config = replace(SMALL, records=7777, workers=4, batch_size=333)
    assert _comparable(config, sql) == _comparable(replace(config, processes=3), sql)


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


def test_fork_server_path_equals_inline() -> None:
    # From a thread the engine must not fork (a threaded process can deadlock): it uses the fork
    # server instead, and the results stay the same.
    import threading

    from core.simulation.engines.process import _context

    methods: list[str] = []
    probe = threading.Thread(target=lambda: methods.append(_context().get_start_method()))
    probe.start()
    probe.join()
    assert methods == ["forkserver"] or "forkserver" not in multiprocessing.get_all_start_methods()
    out: dict[str, object] = {}
    thread = threading.Thread(target=lambda: out.update(d=_comparable(replace(SMALL, processes=2))))
    thread.start()
    thread.join(timeout=120)
    assert out["d"] == _comparable(SMALL)
    assert multiprocessing.active_children() == []


def test_children_never_rerun_the_callers_main_script(tmp_path, monkeypatch) -> None:
    # Streamlit's app.py, an AppTest's temporary script or an unguarded user script is __main__ here;
    # a child that re-ran it would draw a page, fail, or start another simulation.
    import sys
    import types

    script = tmp_path / "caller.py"
    script.write_text("raise SystemExit('the caller script must not run in a worker process')\n")
    fake_main = types.ModuleType("__main__")
    fake_main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    result = simulate(
        "SELECT k, COUNT(*) FROM t GROUP BY k",
        strategies="hash,round_robin",
        config=SimulationConfig(records=5_000, workers=2, processes=2),
    )
    assert result.strategies["always_hash"].correct
    assert not result.strategies["round_robin"].correct
    assert sys.modules["__main__"] is fake_main
