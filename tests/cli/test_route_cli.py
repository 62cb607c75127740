"""``partition-lab route``: the contract's JSON, the table, and exit 2 with the bad line's number."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest import CaptureFixture, MonkeyPatch

from core.cli import main
from tests.engines import reference

ROOT = Path(__file__).resolve().parents[2]


def route(monkeypatch: MonkeyPatch, capsys: CaptureFixture[str], stdin: bytes,
          *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    code = main(["route", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_contract_and_flink_vectors(monkeypatch: MonkeyPatch, capsys: CaptureFixture[str]) -> None:
    lines = 'a\nhello\n["AAPL", 7]\n[null]\n["日本"]\n\n"quoted"\n'.encode()
    code, out, err = route(monkeypatch, capsys, lines, "--engine", "flink", "--workers", "4", "--json")
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert doc["engine"] == "flink" and doc["workers"] == 4 and doc["max_parallelism"] == 128
    keys = [r["key"] for r in doc["routes"]]
    assert keys == [["a"], ["hello"], ["AAPL", 7], [None], ["日本"], ["quoted"]]  # a JSON string is its text
    assert [r["worker"] for r in doc["routes"]][:5] == [0, 2, 1, 3, 2]  # notes/flink.md, p = 4


def test_a_json_string_line_routes_like_the_bare_text(monkeypatch: MonkeyPatch,
                                                     capsys: CaptureFixture[str]) -> None:
    code, out, _ = route(monkeypatch, capsys, b'"a"\na\n"hello"\nhello\n', "--engine", "flink",
                         "--workers", "4", "--json")
    workers = [r["worker"] for r in json.loads(out)["routes"]]
    assert code == 0 and workers == [0, 0, 2, 2]


def test_types_change_the_worker(monkeypatch: MonkeyPatch, capsys: CaptureFixture[str]) -> None:
    got = {}
    for types in ("INT", "BIGINT", "STRING"):
        stdin = b'["42"]\n' if types == "STRING" else b"[42]\n"
        code, out, _ = route(monkeypatch, capsys, stdin, "--engine", "spark", "--workers", "200",
                             "--types", types, "--json")
        assert code == 0
        got[types] = json.loads(out)["routes"][0]["worker"]
    assert got == {t: reference.spark_partition([42 if t != "STRING" else "42"], [t], 200) for t in got}
    assert len(set(got.values())) == 3


def test_bare_line_is_text_of_the_declared_type(monkeypatch: MonkeyPatch,
                                                 capsys: CaptureFixture[str]) -> None:
    _, bare, _ = route(monkeypatch, capsys, b"42\n", "--engine", "kafka-streams", "--workers", "12",
                       "--types", "INT", "--json")
    _, typed, _ = route(monkeypatch, capsys, b"[42]\n", "--engine", "kafka-streams", "--workers", "12",
                        "--types", "INT", "--json")
    assert json.loads(bare)["routes"][0]["worker"] == json.loads(typed)["routes"][0]["worker"] == (
        reference.kafka_partition([42], ["INT"], 12))


@pytest.mark.parametrize(("stdin", "args", "message"), [
    (b'["abc"]\n', ("--types", "BIGINT"), "line 1: value 1: 'abc' does not fit type BIGINT"),
    (b"ok\n[1180591620717411303424]\n", (), "line 2: value 1: 1180591620717411303424 does not fit"),
    (b"[1, 2]\n", ("--types", "BIGINT"), "line 1: the key has 2 value(s) but --types declares 1"),
    (b"x\n[1, \n", (), "line 2: malformed JSON array"),
    (b"[NaN]\n", (), "line 1: malformed JSON array"),
    (b"[[1]]\n", (), "line 1: key values must be scalars"),
    (b"[]\n", (), "line 1: a key needs at least one value"),
    (b"ok\n\xff\xfe\n", (), "line 2: invalid UTF-8 at byte 0"),
    (b"[" * 100_000 + b"\n", (), "line 1: malformed JSON array"),
    (b"x\n", ("--types", "WIDGET"), "unknown key type 'WIDGET'"),
    (b"[true]\n", ("--types", "BIGINT"), "line 1: value 1: True does not fit type BIGINT"),
])
def test_bad_input_exits_2_with_the_line(monkeypatch: MonkeyPatch, capsys: CaptureFixture[str],
                                         stdin: bytes, args: tuple[str, ...], message: str) -> None:
    code, out, err = route(monkeypatch, capsys, stdin, "--engine", "flink", "--workers", "4", *args)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err, err
    assert "Traceback" not in err


@pytest.mark.parametrize(("args", "message"), [
    (("--engine", "storm", "--workers", "4"), "unknown engine 'storm'; valid: partition-lab"),
    (("--engine", "flink", "--workers", "0"), "--workers must be in 1..1024"),
    (("--engine", "velostream", "--workers", "1025"), "--workers must be in 1..1024"),
    (("--engine", "kafka-streams", "--workers", "100001"), "--workers must be in 1..100000"),
    (("--engine", "flink", "--workers", "300", "--max-parallelism", "128"), "exceeds max parallelism 128"),
    (("--engine", "flink", "--workers", "4", "--max-parallelism", "40000"), "1..32768"),
    (("--engine", "spark", "--workers", "4", "--max-parallelism", "256"), "only applies to flink"),
])
def test_bad_options_exit_2(monkeypatch: MonkeyPatch, capsys: CaptureFixture[str],
                            args: tuple[str, ...], message: str) -> None:
    code, _, err = route(monkeypatch, capsys, b"k\n", *args)
    assert code == 2 and message in err, err


def test_kafka_streams_refuses_null_and_boolean_keys(monkeypatch: MonkeyPatch,
                                                     capsys: CaptureFixture[str]) -> None:
    code, _, err = route(monkeypatch, capsys, b"ok\n[null]\n", "--engine", "kafka-streams", "--workers", "3")
    assert code == 2 and "line 2: value 1 is NULL" in err
    code, _, err = route(monkeypatch, capsys, b"[true]\n", "--engine", "kafka-streams", "--workers", "3")
    assert code == 2 and "line 1: kafka-streams cannot hash key type BOOLEAN" in err


def test_text_table(monkeypatch: MonkeyPatch, capsys: CaptureFixture[str]) -> None:
    code, out, _ = route(monkeypatch, capsys, b'trader_1\n["x", 5]\n', "--engine", "velostream",
                         "--workers", "7")
    assert code == 0
    rows = out.splitlines()
    assert rows[0].startswith("engine velostream: FNV-1a 64")
    assert rows[-2].split() == ["trader_1", "STRING", str(0x1BCC3D5C25588C41 % 7)]
    expected = str(reference.velostream_worker(["x", 5], [], 7))
    assert rows[-1].split() == ['["x",', "5]", "STRING,BIGINT", expected]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=10), st.integers(-(2**63), 2**63 - 1) | st.none()), min_size=1,
                max_size=20),
       st.sampled_from(["flink", "spark", "velostream", "partition-lab"]), st.integers(1, 64))
def test_every_engine_matches_the_reference(keys: list[tuple[str, int | None]], engine: str,
                                           workers: int) -> None:
    import contextlib

    stdin = "".join(json.dumps(list(k)) + "\n" for k in keys).encode()
    out = io.StringIO()
    old = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin))
    try:
        with contextlib.redirect_stdout(out):
            assert main(["route", "--engine", engine, "--workers", str(workers), "--types", "STRING,BIGINT",
                         "--json"]) == 0
    finally:
        sys.stdin = old
    got = [r["worker"] for r in json.loads(out.getvalue())["routes"]]
    assert got == [reference.worker(engine, list(k), ["STRING", "BIGINT"], workers) for k in keys]


def test_console_script_reads_real_stdin() -> None:
    proc = subprocess.run([sys.executable, "-m", "core.cli", "route", "--engine", "spark", "--workers", "4"],
                          input="abc\n", capture_output=True, text=True, cwd=ROOT, timeout=60,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1].split() == ["abc", "STRING", "0"]
