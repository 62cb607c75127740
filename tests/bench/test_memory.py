"""``measure_command`` reports a child's peak memory, its workers' peaks and leftover processes."""

from __future__ import annotations

import sys

from core.bench.memory import descendants, measure_command


def _python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_peak_of_the_child_itself() -> None:
    small = measure_command(_python("print('hi')"))
    big = measure_command(_python("import numpy as np; a = np.ones(40_000_000); print(a.sum())"))
    assert small.returncode == 0 and small.stdout == "hi\n"
    assert small.main_peak_mb < 60  # never the measuring process's own memory
    assert big.main_peak_mb - small.main_peak_mb > 250  # 320 MB of float64 ones


def test_peak_of_a_grandchild_is_seen() -> None:
    code = ("import subprocess, sys; subprocess.run([sys.executable, '-c', "
            "'import numpy as np, time; a = np.ones(40_000_000); time.sleep(1.0)'])")
    report = measure_command(_python(code), interval=0.05)
    assert report.returncode == 0 and report.processes >= 2
    assert report.worker_peak_mb > 250 and report.total_peak_mb > report.worker_peak_mb


def test_timeout_kills_the_whole_process_group_and_orphans_are_reported() -> None:
    code = ("import subprocess, sys, time; "
            "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); time.sleep(60)")
    report = measure_command(_python(code), timeout=1.0, interval=0.05)
    assert report.timed_out and report.returncode != 0 and report.wall_s < 10


def test_an_orphan_left_running_is_reported() -> None:
    code = ("import subprocess, sys, time; "
            "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(2)']); time.sleep(0.5)")
    report = measure_command(_python(code), interval=0.05)
    assert report.returncode == 0 and len(report.leftover) == 1


def test_descendants_of_a_process_without_children() -> None:
    assert descendants(2**22 + 12345) == []
