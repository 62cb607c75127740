"""``simulate --measure flink`` option checks and report (no JVM: the measurement is stubbed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from core.cli import main
from core.flink.measure import Measured, MeasuredStage
from core.flink.simulate_hook import format_measured


def _files(tmp_path: Path) -> tuple[str, str]:
    sql = tmp_path / "q.sql"
    sql.write_text("SELECT user_id, COUNT(*) AS n FROM events GROUP BY user_id;")
    trace = tmp_path / "t.csv"
    trace.write_text("partition,user_id\n" + "".join(f"{i % 2},u{i % 5}\n" for i in range(200)))
    return str(sql), str(trace)


def test_measure_needs_a_trace_and_rest_needs_measure(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    sql, trace = _files(tmp_path)
    assert main(["simulate", sql, "--measure", "flink", "--records", "100"]) == 2
    assert "give --trace FILE" in capsys.readouterr().err
    assert main(["simulate", sql, "--flink-rest", "h:1", "--trace", trace]) == 2
    assert "--flink-rest needs --measure flink" in capsys.readouterr().err


def test_measured_loads_join_the_simulate_json_and_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    sql, trace = _files(tmp_path)
    calls: list[tuple[Any, ...]] = []

    def fake(sql_text: str, trace_path: str, workers: int, **kw: Any) -> Measured:
        calls.append((trace_path, workers, kw["rest"]))
        return Measured("flink", (MeasuredStage("GroupAggregate[3]", (120, 0, 80)),))

    monkeypatch.setattr("core.flink.runner.require_flink", lambda: None)
    monkeypatch.setattr("core.flink.measure.measure_flink", fake)
    args = ["simulate", sql, "--trace", trace, "--workers", "3", "--measure", "flink", "--processes", "0",
            "--strategies", "always_hash", "--progress", "never"]
    assert main([*args, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["measured"] == {"engine": "flink", "stages": [{"vertex": "GroupAggregate[3]",
                                                              "loads": [120, 0, 80]}]}
    assert "strategies" in doc and calls == [(trace, 3, None)]
    assert main([*args, "--flink-rest", "10.1.2.3:8081"]) == 0
    assert "measured on flink" in capsys.readouterr().out and calls[-1] == (trace, 3, "10.1.2.3:8081")


def test_format_measured_shows_loads_and_max_over_mean() -> None:
    text = format_measured({"engine": "flink", "stages": [{"vertex": "V", "loads": [3, 1]}]})
    assert "loads [3, 1]; max/mean 1.500" in text
