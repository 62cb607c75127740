"""The work budget (core.budget): estimated before any work, refused at once with what to lower."""

from __future__ import annotations

import json
import os
import resource
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import limits
from core.budget import (
    AUTO_RUN,
    BATCH,
    DASHBOARD,
    cap_processes,
    estimate_work,
    format_duration,
    windows_per_record,
)
from core.cli import main
from core.errors import InvalidConfigError
from core.simulation import SimulationConfig, simulate

HOPPING = "SELECT symbol, COUNT(*) AS n FROM trades GROUP BY symbol WINDOW HOPPING(1d, 1ms)"
GROUP_BY = "SELECT symbol, COUNT(*) AS n FROM trades GROUP BY symbol"


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def sql(tmp_path: Path) -> Path:
    path = tmp_path / "q.sql"
    path.write_text(GROUP_BY, encoding="utf-8")
    return path


def test_windows_per_record_is_ceil_size_over_advance_capped_at_what_is_simulated() -> None:
    assert windows_per_record("hopping", 60_000, 10_000) == 6
    assert windows_per_record("hopping", 60_000, 7_000) == 9
    assert windows_per_record("hopping", 86_400_000, 1) == limits.MAX_WINDOWS_PER_RECORD
    assert windows_per_record("tumbling", 60_000, None) == 1
    assert windows_per_record("session", None, None) == 1
    assert windows_per_record(None, None, None) == 1


@given(records=st.integers(1, 10**18), strategies=st.integers(1, 5), keys=st.integers(1, 10**7),
       windows=st.integers(1, 256), windowed=st.booleans())
def test_the_estimate_follows_the_documented_formula(records: int, strategies: int, keys: int, windows: int,
                                                     windowed: bool) -> None:
    e = estimate_work(records, strategies=strategies, keys=keys, windows=windows, windowed=windowed)
    assert e.cells == records * windows * strategies
    groups = e.cells if windowed else min(records, keys) * strategies
    assert e.state_bytes == groups * limits.STATE_BYTES_PER_GROUP + keys * limits.KEY_BYTES
    assert e.seconds == pytest.approx(e.cells / limits.CELLS_PER_SECOND)
    # The budgets nest: what starts by itself fits the dashboard, which fits the command line.
    if e.fits(AUTO_RUN):
        assert e.fits(DASHBOARD)
    if e.fits(DASHBOARD):
        assert e.fits(BATCH)


def test_hopping_1d_every_1ms_is_refused_before_any_work(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    # Issue 11: accepted, then 9.9 GB at 200,000 records. Now: refused in well under a second of work.
    path = tmp_path / "hop.sql"
    path.write_text(HOPPING, encoding="utf-8")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    code, _, err = _cli(["simulate", str(path), "--records", "200000"], capsys)
    assert time.perf_counter() - started < 5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before < 200 * 1024  # KB: < 200 MB
    assert code == 2 and err.startswith("error: this run is over")
    assert "256 windows" in err and "GB of state" in err and "lower --records or the window overlap" in err


def test_records_10_15_are_refused_instantly_with_a_time_estimate(sql: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    started = time.perf_counter()
    code, _, err = _cli(["simulate", str(sql), "--records", str(10**15)], capsys)
    assert time.perf_counter() - started < 5
    assert code == 2 and "years" in err and "lower --records" in err and "Traceback" not in err


def test_the_library_refuses_the_same_way_and_honours_a_smaller_budget() -> None:
    with pytest.raises(InvalidConfigError, match="over the command line / library budget"):
        simulate(GROUP_BY, config=SimulationConfig(records=10**15))
    with pytest.raises(InvalidConfigError, match="dashboard's budget"):
        simulate(HOPPING, config=SimulationConfig(records=100_000), budget=DASHBOARD)


def test_a_run_within_the_budget_still_runs(sql: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _cli(["simulate", str(sql), "--records", "2000", "--processes", "0", "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["records"] == 2000


def test_processes_above_the_cpu_count_are_capped_with_a_note(sql: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    # Issue 11: --workers 500 --processes 500 started 503 processes on 2 cores.
    cpus = os.cpu_count() or 1
    code, out, err = _cli(["simulate", str(sql), "--records", "2000", "--workers", "500",
                           "--processes", "500", "--strategies", "sticky", "--json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data["processes"] == min(cpus, 500)
    assert f"note: --processes 500 capped at {min(cpus, 500)}" in err
    assert data["notes"] == [err.removeprefix("note: ").strip()]


def test_cap_processes() -> None:
    cpus = os.cpu_count() or 1
    assert cap_processes(None, 3) == (min(3, cpus), None)
    assert cap_processes(0, 8) == (0, None)
    count, note = cap_processes(cpus + 5, 10_000)
    assert count == cpus and note is not None and f"{cpus} CPU" in note
    assert SimulationConfig(workers=64, processes=64).process_count <= cpus


def test_format_duration() -> None:
    assert format_duration(5) == "5 s"
    assert format_duration(600) == "10 min"
    assert format_duration(5 * 3600) == "5.0 h"
    assert format_duration(10 * 86400) == "10 days"
    assert "years" in format_duration(1e12)
