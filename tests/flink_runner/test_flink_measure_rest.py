"""The measured run's REST polling against a fake Flink REST server and a fake child (no JVM)."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from core.flink.errors import FlinkError
from core.flink.measure import measure_flink
from core.flink.runner import FlinkSession

FAKE = str(Path(__file__).with_name("fake_child.py"))
JOB = "0" * 32
PLAN = {"nodes": [{"id": "agg", "inputs": [{"id": "src", "ship_strategy": "HASH"}]}, {"id": "src"}]}
VERTICES = [{"id": "src", "name": "Source: events", "parallelism": 2},
            {"id": "agg", "name": "GroupAggregate[2]", "parallelism": 2}]


class _Flink:
    def __init__(self, state: str, loads: list[int]) -> None:
        self.state, self.loads, self.calls = state, loads, []  # type: ignore[var-annotated]

    def answer(self, method: str, path: str) -> Any:
        self.calls.append(f"{method} {path}")
        if path == f"/jobs/{JOB}":
            return {"state": self.state, "plan": PLAN, "vertices": VERTICES}
        if path == f"/jobs/{JOB}/exceptions":
            return {"root-exception": "java.lang.RuntimeException: boom\n\tat org.X(X.java:1)"}
        if "/subtasks/" in path:
            i = int(path.split("/subtasks/")[1].split("/")[0])
            return [{"id": "numRecordsIn", "value": str(self.loads[i])}]
        return {}


@pytest.fixture
def flink_rest() -> Iterator[tuple[str, _Flink]]:
    state = _Flink("RUNNING", [3, 2])

    class Handler(BaseHTTPRequestHandler):
        def _reply(self) -> None:
            body = json.dumps(state.answer(self.command, self.path)).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_PATCH = _reply

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{server.server_address[1]}", state
    server.shutdown()
    server.server_close()


@pytest.fixture
def inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str, list[str]]:
    monkeypatch.setenv("FAKE_PIDS", str(tmp_path / "pids"))
    monkeypatch.setattr(FlinkSession, "close_grace_s", 0.2)
    monkeypatch.setattr("core.flink.measure._POLL_S", 0.05)
    trace = tmp_path / "t.csv"
    trace.write_text("user_id\nu1\nu2\nu1\nu3\nu1\n")
    log = tmp_path / "log"
    return str(trace), str(log), [sys.executable, FAKE, "serve", str(log)]


def test_stable_counts_that_sum_to_the_input_are_the_measurement(flink_rest: Any, inputs: Any) -> None:
    rest, state = flink_rest
    trace, log, command = inputs
    m = measure_flink("SELECT user_id, COUNT(*) FROM ev GROUP BY user_id", trace, 2, rest=rest,
                      timeout_s=20, command=command)
    assert m.to_dict() == {"engine": "flink", "stages": [{"vertex": "GroupAggregate[2]", "loads": [3, 2]}]}
    assert Path(log).read_text().split()[-2:] == ["cancel", "close"]
    polls = [c for c in state.calls if c == f"GET /jobs/{JOB}"]
    assert len(polls) >= 3  # stable for three polls before it is believed


def test_a_failed_job_is_a_clean_error_with_flinks_root_cause(flink_rest: Any, inputs: Any) -> None:
    rest, state = flink_rest
    state.state = "FAILED"
    trace, log, command = inputs
    with pytest.raises(FlinkError, match="the Flink job failed: java.lang.RuntimeException: boom$"):
        measure_flink("SELECT user_id, COUNT(*) FROM ev GROUP BY user_id", trace, 2, rest=rest,
                      timeout_s=20, command=command)
    assert "cancel" in Path(log).read_text().split()
    pids = [int(p) for p in Path(os.environ["FAKE_PIDS"]).read_text().split()]

    def gone(p: int) -> bool:
        try:
            return Path(f"/proc/{p}/stat").read_text().split()[2] == "Z"
        except OSError:
            return True

    deadline = time.monotonic() + 5  # SIGKILL lands at once, but an orphan's exit can lag on a busy machine
    while time.monotonic() < deadline and not all(gone(p) for p in pids):
        time.sleep(0.05)
    assert all(gone(p) for p in pids)
