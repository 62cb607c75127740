"""A measured run on a real mini-cluster gives exactly the loads Flink's hashing predicts (marked `flink`)."""

from __future__ import annotations

import json
import os
import struct
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytestmark = pytest.mark.flink
pytest.importorskip("pyflink")

from core.flink.errors import FlinkError, FlinkTimeoutError  # noqa: E402
from core.flink.measure import measure_flink  # noqa: E402

M = 0xFFFFFFFF


# -- notes/flink.md "Key -> subtask — exact", reproduced here so the check is independent of core --
def _rotl(x: int, r: int) -> int:
    return ((x << r) | (x >> (32 - r))) & M


def _mix_k(k: int) -> int:
    return (_rotl((k * 0xCC9E2D51) & M, 15) * 0x1B873593) & M


def _mix_h(h: int, k: int) -> int:
    return (_rotl(h ^ k, 13) * 5 + 0xE6546B64) & M


def _fmix(h: int) -> int:
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & M
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & M
    return h ^ (h >> 16)


def _signed(x: int) -> int:
    return x - (1 << 32) if x & 0x80000000 else x


def _string_row(value: str) -> bytes:
    data = value.encode()
    header = bytes(8)
    if len(data) <= 7:
        return header + data + bytes(7 - len(data)) + bytes([0x80 | len(data)])
    return header + struct.pack("<q", (16 << 32) | len(data)) + data + bytes(-len(data) % 8)


def flink_subtask(value: str, parallelism: int, max_parallelism: int = 128) -> int:
    data = _string_row(value)
    h = 42
    for (word,) in struct.iter_unpack("<I", data):
        h = _mix_h(h, _mix_k(word))
    code = _signed(_fmix(h ^ len(data)))
    g = _signed(_fmix(_mix_h(0, _mix_k(code & M)) ^ 4))
    key_group = (0 if g == -(1 << 31) else abs(g)) % max_parallelism
    return key_group * parallelism // max_parallelism


def test_the_reproduction_matches_the_recorded_vectors() -> None:
    assert [flink_subtask(k, 4) for k in ("a", "hello", "seven77", "eight888", "")] == [0, 2, 3, 0, 3]


@pytest.fixture
def new_processes() -> Any:
    """What a test leaves behind: our descendants now that were not there when it began (PyFlink's own
    gateway JVM, started in-process by other modules of the session, is not the test's)."""
    before = set(_descendants())

    def left() -> list[int]:
        deadline = time.monotonic() + 5  # a SIGKILLed orphan's exit can lag on a busy machine
        while True:
            extra = sorted(set(_descendants()) - before)
            if not extra or time.monotonic() > deadline:
                return extra
            time.sleep(0.1)

    return left


def _descendants() -> list[int]:
    me, out = os.getpid(), []
    parents: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                parents[int(d.name)] = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    frontier = [me]
    while frontier:
        p = frontier.pop()
        kids = [c for c, pp in parents.items() if pp == p]
        out += kids
        frontier += kids
    return out


def test_a_measured_run_gives_exactly_the_loads_simulate_predicts_for_flink(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], new_processes: Any) -> None:
    """`simulate --engine flink --measure flink`: the job's per-subtask numRecordsIn equals the simulated
    always_hash loads, and both equal the independent reproduction above, on a zipf-skewed trace."""
    from core.cli import main

    rng = np.random.default_rng(11)
    weights = 1.0 / np.arange(1, 201) ** 1.1
    keys = rng.choice(200, size=20_000, p=weights / weights.sum())
    users = [f"user-{k:03d}" if k % 2 else f"u{k}" for k in keys]  # inline and out-of-line strings
    trace = tmp_path / "trace.csv"
    trace.write_text("partition,user_id,amount\n"
                     + "".join(f"{i % 3},{u},{i % 7}\n" for i, u in enumerate(users)))
    sql = tmp_path / "q.sql"
    sql.write_text("SELECT user_id, COUNT(*) AS n, SUM(amount) AS s FROM events GROUP BY user_id;")
    assert main(["simulate", str(sql), "--trace", str(trace), "--engine", "flink", "--workers", "4",
                 "--strategies", "always_hash", "--processes", "0", "--progress", "never",
                 "--measure", "flink", "--flink-timeout", "400", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    simulated = doc["strategies"]["always_hash"]["loads"]
    (stage,) = doc["measured"]["stages"]
    predicted = [0] * 4
    for user, n in Counter(users).items():
        predicted[flink_subtask(user, 4)] += n
    print(f"\nmeasured {stage['loads']}, simulated {simulated}")
    assert stage["loads"] == simulated == predicted
    assert max(predicted) > 1.3 * sum(predicted) / 4  # the trace is skewed: the check is not vacuous
    assert "GroupAggregate" in stage["vertex"] and sum(stage["loads"]) == 20_000
    assert new_processes() == []  # job cancelled, JVM and child gone


def test_a_job_that_does_not_settle_in_time_is_cancelled_and_nothing_is_left(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, new_processes: Any) -> None:
    """The poll gives up (as at its deadline) once the real job runs: the job is cancelled on the
    cluster before the JVM is stopped, and no process of ours remains."""
    import core.flink.measure as measure

    trace = tmp_path / "t.csv"
    trace.write_text("user_id\n" + "".join(f"u{i % 9}\n" for i in range(500)))
    states: list[str] = []

    def never_settles(client: Any, job_id: str, rows: int, deadline: float, timeout_s: float) -> Any:
        for _ in range(600):  # wait (bounded) until the job really runs, then time out like _poll does
            try:
                if client.job(job_id).get("state") == "RUNNING":
                    break
            except FlinkError:
                pass
            time.sleep(0.2)
        raise FlinkTimeoutError("the Flink job's counts did not settle (simulated); the job was cancelled")

    real_cancel = measure._cancel

    def cancel_and_look(session: Any, client: Any, job_id: str) -> None:
        real_cancel(session, client, job_id)  # the client's cancel, then REST's if it still runs
        state = "gone"  # a mini-cluster may shut down with its only job: also nothing left running
        for _ in range(150):  # REST serves a cached job view (web.refresh-interval); a loaded host is slow
            try:
                state = str(client.job(job_id).get("state"))
            except FlinkError:
                break
            if state != "RUNNING":
                break
            time.sleep(0.2)
        states.append(state)

    monkeypatch.setattr(measure, "_poll", never_settles)
    monkeypatch.setattr(measure, "_cancel", cancel_and_look)
    with pytest.raises(FlinkTimeoutError, match="did not settle"):
        measure.measure_flink("SELECT user_id, COUNT(*) FROM ev GROUP BY user_id", str(trace), 2,
                              timeout_s=400)
    assert states in (["CANCELED"], ["CANCELLING"], ["gone"])
    assert new_processes() == []


def test_a_jvm_that_cannot_start_in_time_is_killed(tmp_path: Path, new_processes: Any) -> None:
    trace = tmp_path / "t.csv"
    trace.write_text("user_id\nu1\n")
    with pytest.raises(FlinkTimeoutError, match="did not answer 'start'"):
        measure_flink("SELECT user_id, COUNT(*) FROM ev GROUP BY user_id", str(trace), 2, timeout_s=1)
    assert new_processes() == []
