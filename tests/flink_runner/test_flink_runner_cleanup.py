"""The Flink child process and everything under it die on every failure path (no JVM needed)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from core.flink.errors import FlinkError, FlinkRejectedError, FlinkTimeoutError, FlinkUnavailableError
from core.flink.runner import FlinkSession, check_java

FAKE = str(Path(__file__).with_name("fake_child.py"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); it is gone for our purposes once it is not running.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split()[2] != "Z"


def _pids(path: Path) -> list[int]:
    for _ in range(100):
        if path.exists() and path.read_text().strip():
            return [int(p) for p in path.read_text().split()]
        time.sleep(0.05)
    raise AssertionError("the fake child never wrote its pids")


def _assert_all_gone(pids: list[int]) -> None:
    deadline = time.time() + 5
    while time.time() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.05)
    assert not [p for p in pids if _alive(p)], "a child or grandchild process was left behind"


@pytest.fixture(autouse=True)
def _short_grace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(FlinkSession, "close_grace_s", 0.2)  # the fakes linger; do not wait for them


@pytest.fixture
def pid_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "pids"
    monkeypatch.setenv("FAKE_PIDS", str(path))
    return path


def test_a_child_that_never_answers_times_out_and_its_whole_group_is_killed(pid_file: Path) -> None:
    session = FlinkSession(command=[sys.executable, FAKE, "hang"], start_timeout_s=1.5)
    with pytest.raises(FlinkTimeoutError, match="did not answer 'start' within 1.5 s"):
        session.start()
    _assert_all_gone(_pids(pid_file))


def test_a_child_that_dies_at_start_is_a_clean_error(pid_file: Path) -> None:
    with pytest.raises(FlinkError, match="exited before answering"):
        FlinkSession(command=[sys.executable, FAKE, "exit"], start_timeout_s=10).start()
    _assert_all_gone(_pids(pid_file))


def test_a_child_without_pyflink_says_how_to_install_it(pid_file: Path) -> None:
    with pytest.raises(FlinkUnavailableError, match=r"pip install -e '\.\[flink\]'"):
        FlinkSession(command=[sys.executable, FAKE, "nopyflink"], start_timeout_s=10).start()
    _assert_all_gone(_pids(pid_file))


def test_a_flink_rejection_keeps_the_session_and_close_kills_a_lingering_child(
        pid_file: Path, tmp_path: Path) -> None:
    log = tmp_path / "log"
    with FlinkSession(command=[sys.executable, FAKE, "serve", str(log)], start_timeout_s=10) as session:
        with pytest.raises(FlinkRejectedError) as info:
            session.explain("SELECT nope FROM t")
        assert str(info.value) == "ValidationException: Column 'nope' not found"  # no stack, no py4j
        assert "hash[k]" in session.explain("SELECT k, COUNT(*) FROM t GROUP BY k")
    assert log.read_text().split() == ["start", "explain", "explain", "close"]
    _assert_all_gone(_pids(pid_file))


def test_keyboard_interrupt_while_waiting_still_kills_the_child(
        pid_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    session = FlinkSession(command=[sys.executable, FAKE, "serve", str(tmp_path / "log")], start_timeout_s=10)
    session.start()

    def interrupted(*args: object, **kwargs: object) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(session._answers, "get", interrupted)
    with pytest.raises(KeyboardInterrupt):
        session.explain("SELECT 1")
    assert session.pid is None  # closed
    _assert_all_gone(_pids(pid_file))


def test_a_bad_java_home_fails_before_any_process_starts(tmp_path: Path) -> None:
    env = {**os.environ, "JAVA_HOME": str(tmp_path / "no-jdk")}
    with pytest.raises(FlinkUnavailableError, match="has no bin/java"):
        check_java(env)
    session = FlinkSession(env=env)
    with pytest.raises(FlinkUnavailableError, match="JAVA_HOME"):
        session.start()
    assert session.pid is None


def test_no_java_on_path_is_a_clean_error(tmp_path: Path) -> None:
    with pytest.raises(FlinkUnavailableError, match="no `java` is on PATH"):
        check_java({"PATH": str(tmp_path)})


def test_a_measured_run_that_never_settles_cancels_the_job_and_kills_the_child(
        pid_file: Path, tmp_path: Path) -> None:
    from core.flink.measure import measure_flink

    trace = tmp_path / "t.csv"
    trace.write_text("user_id\nu1\nu2\n")
    log = tmp_path / "log"
    # The fake accepts the job, but no REST server ever answers: the poll must give up and cancel.
    settled = r"did not settle within 2 s \(last: none\); the job was cancelled"
    with pytest.raises(FlinkTimeoutError, match=settled):
        measure_flink("SELECT user_id, COUNT(*) FROM ev GROUP BY user_id", str(trace), 2, timeout_s=2,
                      command=[sys.executable, FAKE, "serve", str(log)])
    assert log.read_text().split() == ["start", "execute", "columns", "execute", "submit", "cancel", "close"]
    _assert_all_gone(_pids(pid_file))
