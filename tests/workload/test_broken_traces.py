"""Broken traces through the CLI (``partition-lab simulate Q.sql --trace F``): exit 2 and a message
naming the file, the row or column, and what to do — never a traceback, never a hang."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from core import cli

QUERY = "SELECT merchant_id, COUNT(*) AS n, SUM(amount) AS total FROM payments GROUP BY merchant_id;\n"
HEADER = "partition,offset,merchant_id,amount\n"
GOOD = "0,0,m1,1.5\n1,0,m2,2.5\n"


@pytest.fixture()
def query(tmp_path: Path) -> Path:
    path = tmp_path / "q.sql"
    path.write_text(QUERY, encoding="utf-8")
    return path


def _simulate(query: Path, trace: Path, capsys: pytest.CaptureFixture[str],
              *extra: str) -> tuple[int, str, str]:
    code = cli.main(["simulate", str(query), "--trace", str(trace), "--processes", "0", *extra])
    out, err = capsys.readouterr()
    return code, out, err


def _broken(query: Path, trace: Path, capsys: pytest.CaptureFixture[str], *fragments: str) -> str:
    code, _, err = _simulate(query, trace, capsys)
    assert code == 2, err
    assert err.startswith("error: ") and "Traceback" not in err, err
    assert trace.name in err and str(trace.parent) not in err, err
    for fragment in fragments:
        assert fragment in err, err
    return err


def _csv(tmp_path: Path, body: str, name: str = "trace.csv") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def test_a_good_trace_runs(query: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The control case: the broken variants below differ from this one in one place only.
    code, out, err = _simulate(query, _csv(tmp_path, HEADER + GOOD), capsys, "--json")
    assert code == 0, err
    assert '"records": 2' in out


def test_empty_file(query: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _broken(query, _csv(tmp_path, ""), capsys, "empty", "header")


def test_header_only(query: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _broken(query, _csv(tmp_path, HEADER), capsys, "no records")


@pytest.mark.parametrize(("cell", "fragments"), [
    ("abc", ("data row 2", "'abc'", "not an integer", "fix the row")),
    ("-1", ("data row 2", "-1", "negative")),
    ("1000000000", ("data row 2", "1000000000", "100,000")),
    ("", ("data row 2", "partition is missing")),
    ("1.5", ("data row 2", "1.5")),
])
def test_bad_partition_ids(query: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], cell: str,
                           fragments: tuple[str, ...]) -> None:
    _broken(query, _csv(tmp_path, HEADER + f"0,0,m1,1.5\n{cell},0,m2,2.5\n"), capsys, *fragments)


@pytest.mark.parametrize("row", ["1,0,m2,2.5,9,9", "1,0"])
def test_ragged_rows(query: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], row: str) -> None:
    _broken(query, _csv(tmp_path, HEADER + f"0,0,m1,1.5\n{row}\n"), capsys, "line 3", "expected 4 fields",
            "fix or remove")


def test_a_column_the_query_needs_is_missing(query: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    _broken(query, _csv(tmp_path, "partition,offset,merchant_id\n0,0,m1\n"), capsys, "'amount'", "column")


def test_invalid_json_in_value(query: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = 'partition,offset,value\n0,0,"{""merchant_id"": ""m1"", ""amount"": 1}"\n1,0,"{not json"\n'
    _broken(query, _csv(tmp_path, body), capsys, "data row 2", "value", "JSON")


def test_missing_values_in_data_columns_are_nulls_not_errors(query: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    # SQL semantics: a missing amount is NULL (SUM skips it), a missing key is the NULL group.
    code, _, err = _simulate(query, _csv(tmp_path, HEADER + "0,0,m1,\n1,1,,2.5\n"), capsys)
    assert code == 0, err


@pytest.mark.parametrize("content", [b"PAR1garbagegarbagePAR1", bytes(range(256)) * 4, b""])
def test_corrupt_parquet(query: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                         content: bytes) -> None:
    path = tmp_path / "trace.parquet"
    path.write_bytes(content)
    _broken(query, path, capsys, "not a readable Parquet file", "re-export")


def test_truncated_parquet(query: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "trace.parquet"
    pd.DataFrame({"partition": [0, 1], "offset": [0, 0], "merchant_id": ["a", "b"],
                  "amount": [1.0, 2.0]}).to_parquet(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    _broken(query, path, capsys, "Parquet", "re-export")


def test_negative_partition_in_parquet_names_the_row(query: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "trace.parquet"
    pd.DataFrame({"partition": [0, -5], "offset": [0, 0], "merchant_id": ["a", "b"],
                  "amount": [1.0, 2.0]}).to_parquet(path)
    _broken(query, path, capsys, "row 2", "-5", "negative")


def test_a_bad_row_deep_in_a_big_trace_stops_a_multiprocess_run(query: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    rows = 250_000
    frame = pd.DataFrame({"partition": [i % 4 for i in range(rows)], "offset": range(rows),
                          "merchant_id": [f"m{i % 97}" for i in range(rows)], "amount": 1.0})
    frame.loc[rows - 3, "partition"] = -7
    path = tmp_path / "big.csv"
    frame.to_csv(path, index=False)
    code = cli.main(["simulate", str(query), "--trace", str(path), "--processes", "2", "--workers", "2"])
    err = capsys.readouterr().err
    assert code == 2 and path.name in err and "-7" in err and "Traceback" not in err, err
    assert multiprocessing.active_children() == []


def test_the_console_script_reports_a_broken_trace_without_traceback(query: Path, tmp_path: Path) -> None:
    trace = _csv(tmp_path, HEADER + "0,0,m1,1.5\nabc,0,m2,2.5\n")
    proc = subprocess.run([sys.executable, "-c", "import sys; from core.cli import main; sys.exit(main())",
                           "simulate", str(query), "--trace", str(trace)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert trace.name in proc.stderr and str(trace.parent) not in proc.stderr
    assert "data row 2" in proc.stderr
