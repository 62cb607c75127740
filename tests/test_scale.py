"""Scale: a 100-million-record replay runs in bounded memory and shows progress while it runs.

Both are ``slow`` (minutes): ``pytest -m slow tests/test_scale.py``. Memory is measured in a child
process (the CLI), so the test process's own memory never counts.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.bench.memory import measure_command

QUERY = "SELECT merchant_id, COUNT(*) AS payments, SUM(amount) AS total FROM payments GROUP BY merchant_id;\n"
LIMIT_MB = 1536
CLI = [sys.executable, "-c", "import sys; from core.cli import main; sys.exit(main())"]


@pytest.fixture()
def query(tmp_path: Path) -> Path:
    path = tmp_path / "q.sql"
    path.write_text(QUERY, encoding="utf-8")
    return path


@pytest.mark.slow
def test_a_100m_record_replay_runs_in_bounded_memory(query: Path) -> None:
    report = measure_command([*CLI, "simulate", str(query), "--records", "100000000", "--json"], timeout=1800)
    assert report.returncode == 0 and not report.timed_out, report.stderr[-2000:]
    assert json.loads(report.stdout)["records"] == 100_000_000
    assert report.total_peak_mb < LIMIT_MB, report.to_dict()
    assert report.leftover == ()


@pytest.mark.slow
def test_a_long_replay_shows_progress_on_a_terminal(query: Path) -> None:
    # stderr is a pseudo-terminal, as in an interactive shell: a progress bar may redraw there.
    master, slave = pty.openpty()
    proc = subprocess.Popen([*CLI, "simulate", str(query), "--records", "20000000"],
                            stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    seen = b""
    first_output_s = None
    started = time.monotonic()
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        if first_output_s is None:
            first_output_s = time.monotonic() - started
        seen += data
    os.close(master)
    assert proc.wait(timeout=600) == 0
    total_s = time.monotonic() - started
    assert first_output_s is not None, "nothing was written to the terminal during a long run"
    assert first_output_s < total_s / 2, "progress must appear while the run is going, not only at the end"
    assert b"%" in seen or b"records" in seen, seen[-500:]
