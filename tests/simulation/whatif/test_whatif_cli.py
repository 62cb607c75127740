"""``simulate`` with the what-if flags: one JSON field and one text section each, errors exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.cli import main

SQL = "SELECT symbol, COUNT(*) AS n FROM trades GROUP BY symbol;\n"
BASE = ["--records", "20000", "--keys", "300", "--distribution", "zipf:1.3", "--workers", "8",
        "--processes", "0", "--strategies", "hash"]


@pytest.fixture
def sql_file(tmp_path: Path) -> Path:
    path = tmp_path / "q.sql"
    path.write_text(SQL, encoding="utf-8")
    return path


def _json(sql_file: Path, capsys: pytest.CaptureFixture[str], *flags: str) -> dict:  # type: ignore[type-arg]
    assert main(["simulate", str(sql_file), *BASE, *flags, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_no_flag_adds_no_field(sql_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(sql_file, capsys)
    assert not {"sweep", "rescale", "two_phase", "salting", "pkg"} & set(out)


def test_sweep(sql_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(sql_file, capsys, "--sweep", "1:16", "--target-rate", "300000")
    sw = out["sweep"]
    assert [p["workers"] for p in sw["points"]] == list(range(1, 17))
    assert all(sum(p["loads"]) == 20000 for p in sw["points"])
    # The sweep's W=8 point is the simulated always_hash stage (same data, same hash).
    assert sw["points"][7]["loads"] == out["strategies"]["always_hash"]["loads"]
    assert sw["workers_needed"] == next(p["workers"] for p in sw["points"]
                                        if p["modeled_throughput"] >= 300000)


def test_rescale(sql_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fams = _json(sql_file, capsys, "--rescale", "12")["rescale"]["families"]
    assert 0.55 < fams["mod_hash"]["keys_share"] < 0.8 and fams["flink_key_groups"]["key_groups"] == 128


def test_two_phase(sql_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tp = _json(sql_file, capsys, "--two-phase", "--mini-batch", "1000")["two_phase"]
    local, glob = tp["stages"]
    assert local["records_in"] == 20000 and glob["records_in"] == tp["partial_rows"] == sum(glob["loads"])
    assert glob["max_mean"] < tp["single_phase"]["max_mean"]


def test_salting_and_pkg_text(sql_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(sql_file), *BASE, "--salt", "8", "--pkg"]) == 0
    text = capsys.readouterr().out
    assert "salting: salting 1 hot key(s)" in text and "merge loads" in text
    assert "pkg: partial key grouping (d=2)" in text and "bound p1/d" in text
    out = _json(sql_file, capsys, "--salt", "8", "--pkg", "3")
    assert out["salting"]["stages"][0]["records_in"] == 20000 and out["pkg"]["choices"] == 3
    assert out["pkg"]["imbalance_ratio"] >= out["pkg"]["bound"]


@pytest.mark.parametrize(("flags", "message"), [
    (["--sweep", "1:2000"], "1..1024"),
    (["--sweep", "1:1024:2"], "at most 256"),
    (["--sweep", "a:b"], "sweep must look like"),
    (["--target-rate", "5"], "needs --sweep"),
    (["--rescale", "0"], "--rescale must be"),
    (["--two-phase", "--mini-batch", "0"], "--mini-batch"),
    (["--salt", "1"], "--salt"),
])
def test_bad_flags_exit_2(sql_file: Path, capsys: pytest.CaptureFixture[str], flags: list[str],
                          message: str) -> None:
    assert main(["simulate", str(sql_file), *BASE, *flags]) == 2
    assert message in capsys.readouterr().err


def test_statement_without_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.sql"
    path.write_text("SELECT symbol, price FROM trades WHERE price > 1;\n", encoding="utf-8")
    assert main(["simulate", str(path), *BASE, "--sweep", "1:4"]) == 2
    assert "no keyed stage" in capsys.readouterr().err


def test_flink_dialect_places_by_key_groups(sql_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(sql_file, capsys, "--dialect", "flink", "--sweep", "4", "--rescale", "12")
    assert out["sweep"]["placement"] == "flink_key_groups"
    assert set(out["rescale"]["families"]) == {"mod_hash", "flink_key_groups"}


def test_trace_two_phase(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sql = tmp_path / "q.sql"
    sql.write_text(SQL, encoding="utf-8")
    trace = tmp_path / "t.csv"
    rows = [f"{i % 3},s{0 if i % 2 else i % 7},{i}" for i in range(600)]
    trace.write_text("partition,symbol,price\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert main(["simulate", str(sql), "--trace", str(trace), "--workers", "3", "--processes", "0",
                 "--strategies", "hash", "--two-phase", "--mini-batch", "50", "--json"]) == 0
    tp = json.loads(capsys.readouterr().out)["two_phase"]
    # Each worker reads one partition (200 records = 4 mini-batches of 50); s0 is in every mini-batch.
    assert tp["records"] == 600 and tp["mini_batches"] == 12 and tp["hot_key"] == "s0"
    assert tp["hot_key_partial_rows"] == 12
