"""``partition-lab bench`` on a tiny workload: every section, the targets and the JSON/--out files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core import cli
from core.bench.table import format_table
from tests.bench.reports import minimal_report


@pytest.fixture(scope="module")
def tiny_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, object], str]:
    out = tmp_path_factory.mktemp("bench") / "bench.json"
    argv = ["bench", "--records", "40000", "--plain-records", "4000", "--memory-records", "20000",
            "--keys", "200", "--workers", "2", "--processes", "2", "--out", str(out)]
    assert cli.main(argv) == 0
    return json.loads(out.read_text(encoding="utf-8")), out.read_text(encoding="utf-8")


def test_every_section_and_target_is_reported(tiny_report: tuple[dict[str, object], str]) -> None:
    report, _ = tiny_report
    assert {"routing", "end_to_end", "plain", "memory", "targets", "passed", "machine"} <= set(report)
    names = [t["name"] for t in report["targets"]]  # type: ignore[attr-defined]
    assert any("routing sticky_partition" in n for n in names) and any("processes" in n for n in names)
    assert any("plain" in n for n in names) and any("peak RSS" in n for n in names)
    for target in report["targets"]:  # type: ignore[attr-defined]
        assert isinstance(target["passed"], bool) and target["limit"] > 0
    assert report["passed"] == all(t["passed"] for t in report["targets"])  # type: ignore[attr-defined]
    plain = report["plain"]
    assert plain["plain_records"] == 4000 and all(plain["verdicts_agree"].values())  # type: ignore[index]
    memory = report["memory"]
    assert memory["returncode"] == 0 and memory["main_peak_mb"] > 0  # type: ignore[index]


def test_the_table_shows_the_same_figures(tiny_report: tuple[dict[str, object], str]) -> None:
    report, _ = tiny_report
    table = format_table(report)
    assert "memory floor" in table and "plain simulator" in table and "Targets" in table
    assert table.count("PASS") + table.count("FAIL") == len(report["targets"])  # type: ignore[arg-type]
    assert "first 4,000 records" in table  # the plain simulator's sample is stated


def test_a_failed_target_reads_fail() -> None:
    failed = {"name": "t", "target": "x", "value": 1.0, "limit": 1.6, "passed": False}
    report = minimal_report(targets=[failed], passed=False)
    table = format_table(report)
    assert "FAIL  t" in table and "some targets missed" in table and "skipped" in table


def test_json_flag_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["bench", "--records", "5000", "--plain-records", "500", "--memory-records", "0", "--keys", "50",
            "--workers", "2", "--processes", "2", "--json"]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    report = json.loads(out)
    assert "memory" not in report and report["end_to_end"]["parallel"]["processes"] == 2
    assert report["analysis"]["lines"] == 60 and report["analysis"]["median_ms"] > 0


def test_out_into_a_missing_directory_is_a_usage_error(capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path) -> None:
    code = cli.main(["bench", "--records", "10", "--out", str(tmp_path / "missing" / "b.json")])
    assert code == 2 and "does not exist" in capsys.readouterr().err
