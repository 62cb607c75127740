"""``partition-lab``: the analyze contract (JSON, text, errors, exit codes) and the subcommand hooks."""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from core import cli

ROOT = Path(__file__).resolve().parents[2]
GROUPED = "SELECT symbol, COUNT(*) AS n FROM trades GROUP BY symbol WINDOW TUMBLING(1m) EMIT CHANGES;\n"


def run(argv: list[str], capsys: pytest.CaptureFixture[str], stdin: str | None = None,
        monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[int, str, str]:
    if stdin is not None:
        assert monkeypatch is not None
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def sql_file(tmp_path: Path) -> Path:
    path = tmp_path / "q.sql"
    path.write_text(GROUPED, encoding="utf-8")
    return path


def test_json_output_is_exactly_the_analyze_contract(sql_file: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["analyze", str(sql_file), "--json", "--source-key", "trades=symbol"], capsys)
    assert code == 0 and err == ""
    data = json.loads(out)
    assert list(data) == ["settings", "catalog", "statements"]
    assert data["statements"][0]["strategy"] == "smart_repartition"


def test_every_option_reaches_analyze(sql_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["analyze", str(sql_file), "--json", "--dialect", "velostream", "--tree", "extended",
                        "--source-key", "symbol", "--source-key", "quotes=symbol",
                        "--source-partitions", "6", "--strategy", "STICKY"], capsys)
    statement = json.loads(out)["statements"][0]
    assert code == 0 and statement["decided_by"] == "caller" and statement["strategy"] == "sticky_partition"
    assert statement["aligned"] is True


def test_text_report_by_default(sql_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["analyze", str(sql_file)], capsys)
    assert code == 0 and "Strategy: always_hash" in out and "✔ has_group_by" in out


def test_stdin_input(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run(["analyze", "-", "--json"], capsys, stdin=GROUPED, monkeypatch=monkeypatch)
    assert code == 0 and json.loads(out)["statements"][0]["group_by"] == ["symbol"]


def test_a_syntax_error_is_positioned_on_stderr_and_in_json(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.sql"
    text = "SELECT symbol\nFROM trades\nGROUP BY symbol WINDOW TUMBLING(1m) banana;\n"
    bad.write_text(text, encoding="utf-8")
    code, out, err = run(["analyze", str(bad), "--json"], capsys)
    assert code == 2
    assert err.startswith("error: line ") and ", col " in err
    error = json.loads(out)["error"]
    assert set(error) == {"message", "line", "col"} and error["line"] == 3
    code, out, err = run(["analyze", str(bad)], capsys)
    assert code == 2 and out == "" and err.startswith("error: line 3, col ")


@pytest.mark.parametrize("text", ["", "-- only a comment\n", "  \n\n"])
def test_empty_input_exits_2(text: str, capsys: pytest.CaptureFixture[str],
                             monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = run(["analyze", "-"], capsys, stdin=text, monkeypatch=monkeypatch)
    assert code == 2 and err.startswith("error: ")


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nope.sql"
    code, out, err = run(["analyze", str(missing), "--json"], capsys)
    assert code == 2 and err.startswith(f"error: cannot read {missing}: ")
    assert json.loads(out)["error"]["line"] is None


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--strategy", "warp"], "unknown strategy"),
        (["--source-key", "trades="], "[SOURCE=]COL[,COL]"),
        (["--tree", "oak"], "unknown tree"),
        (["--no-auto-select"], "auto-select is off"),
        (["--source-partitions", "x"], "must be an integer in 1..100,000"),
        (["--dialect", "cobol"], "unknown dialect"),
    ],
)
def test_bad_options_exit_2_with_error(sql_file: Path, extra: list[str], says: str,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["analyze", str(sql_file), *extra], capsys)
    assert code == 2 and err.startswith("error: ") and says in err and "Traceback" not in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["analyze"], capsys)
    assert code == 2 and err.startswith("error: ")
    code, _, err = run(["frobnicate"], capsys)
    assert code == 2 and err.startswith("error: ")


def test_user_tree_file(sql_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tree = tmp_path / "t.json"
    doc = {"name": "mine", "nodes": [{"id": "x", "strategy": "fanin"}]}
    tree.write_text(json.dumps(doc), encoding="utf-8")
    code, out, _ = run(["analyze", str(sql_file), "--tree", str(tree), "--json"], capsys)
    assert code == 0 and json.loads(out)["statements"][0]["strategy"] == "fan_in"
    tree.write_text(json.dumps({"nodes": [{"id": "x", "strategy": "nope"}]}), encoding="utf-8")
    code, _, err = run(["analyze", str(sql_file), "--tree", str(tree)], capsys)
    assert code == 2 and "node 'x'" in err


def test_no_arguments_and_dashboard_exec_the_dashboard_program(monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    from core.cli import dashboard

    calls: list[list[str]] = []
    monkeypatch.setattr(dashboard.os, "execv", lambda exe, argv: calls.append(list(argv)))
    assert cli.main([]) == 0
    assert cli.main(["dashboard", "--host", "0.0.0.0", "--port", "9000", "--allow-host", "lab.internal"]) == 0
    launch = [sys.executable, "-m", "dashboard.launch"]
    assert calls == [[*launch, "--host", "127.0.0.1", "--port", "8501"],
                     [*launch, "--host", "0.0.0.0", "--port", "9000", "--allow-host", "lab.internal"]]
    code, _, err = run(["dashboard", "--port", "70000"], capsys)
    assert code == 2 and err == "error: --port must be an integer in 1..65,535, got '70000'\n"
    assert len(calls) == 2  # a bad port never reaches the dashboard


def test_the_dashboard_program_serves_what_the_cli_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard import launch

    served: list[tuple[str, int, tuple[str, ...]]] = []
    monkeypatch.setattr(launch, "serve", lambda host, port, extra=(): served.append((host, port, extra)))
    launch.main(["--host", "0.0.0.0", "--port", "9000", "--allow-host", "a", "--allow-host", "b"])
    launch.main([])
    assert served == [("0.0.0.0", 9000, ("a", "b")), ("127.0.0.1", 8501, ())]


def test_every_command_is_registered_and_runs_its_own_handler() -> None:
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert list(sub.choices) == ["analyze", "simulate", "route", "bench", "verify", "dashboard"]
    from core.cli import analyze, bench, route, simulate, verify
    from core.cli import dashboard as dash

    for name, module in [("analyze", analyze), ("simulate", simulate), ("route", route), ("bench", bench),
                         ("verify", verify), ("dashboard", dash)]:
        assert sub.choices[name].get_default("run") is module.run, name


def test_python_dash_m_and_help() -> None:
    proc = subprocess.run([sys.executable, "-m", "core.cli", "analyze", "-", "--json"], input=GROUPED,
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["statements"][0]["strategy"] == "always_hash"
    proc = subprocess.run([sys.executable, "-m", "core.cli", "analyze", "--help"], capture_output=True,
                          text=True, cwd=ROOT)
    assert proc.returncode == 0 and "--source-key" in proc.stdout and "--no-auto-select" in proc.stdout


# --- text input: BOM accepted, invalid UTF-8 refused alike from a file and stdin (issue 11) -----------

class _BytesStdin:
    """A stdin whose bytes are what a pipe would deliver."""

    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def _stdin_bytes(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", _BytesStdin(data))


def test_a_bom_is_accepted_from_a_file_and_from_stdin(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bom.sql"
    path.write_bytes(b"\xef\xbb\xbf" + GROUPED.encode())
    code, out, err = run(["analyze", str(path), "--json"], capsys)
    assert code == 0, err
    from_file = json.loads(out)
    _stdin_bytes(monkeypatch, b"\xef\xbb\xbf" + GROUPED.encode())
    code, out, err = run(["analyze", "-", "--json"], capsys)
    assert code == 0, err
    assert json.loads(out) == from_file


def test_invalid_utf8_is_refused_the_same_way_from_a_file_and_stdin(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"SELECT symbol\xff FROM trades"
    path = tmp_path / "bad.sql"
    path.write_bytes(data)
    code, _, file_err = run(["analyze", str(path)], capsys)
    assert code == 2
    _stdin_bytes(monkeypatch, data)
    code, _, stdin_err = run(["analyze", "-"], capsys)
    assert code == 2
    for err, source in ((file_err, str(path)), (stdin_err, "stdin")):
        assert err == (f"error: {source} is not UTF-8 text: invalid byte 0xff at byte offset 13; "
                       "save the SQL as UTF-8\n")


def test_invalid_utf8_on_a_real_pipe_is_refused() -> None:
    proc = subprocess.run([sys.executable, "-m", "core.cli", "analyze", "-"], input=b"SELECT \xc3(", cwd=ROOT,
                          capture_output=True, timeout=60)
    assert proc.returncode == 2
    assert b"stdin is not UTF-8 text" in proc.stderr and b"byte offset 7" in proc.stderr
    assert b"Traceback" not in proc.stderr


@pytest.mark.parametrize("content", [
    b"root:$6$Zx9Secret0nly4Root$hash:19000:0:99999:7:::\nbin:*:19000:0:99999:7:::\n",
    b"secret-token-0123456789 is the password\n",
    b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)),
])
def test_errors_never_echo_a_files_content(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           content: bytes) -> None:
    # Issue 11: `analyze /etc/shadow` printed the file's first line. Only the offending token may appear.
    path = tmp_path / "shadow"
    path.write_bytes(content)
    for command in (["analyze", str(path)], ["simulate", str(path), "--records", "10"]):
        code, out, err = run(command, capsys)
        assert code == 2 and err.startswith("error: ") and "Traceback" not in err
        assert "Secret" not in err and "hash:19000" not in err and "is the password" not in err, err


# ("-inf" would be read by argparse as an option; `--partitions=-inf` is the same case as "-0".)
@pytest.mark.parametrize("value", ["1e20", str(2**63), "inf", "nan", "-0", "", " ", "1.5", "0x10", "１２"])
@pytest.mark.parametrize(("option", "bounds"), [
    ("--partitions", "1..100,000"), ("--workers", "1..1,024"), ("--records", "1.."),
    ("--keys", "1..10,000,000"), ("--processes", "0..1,024"), ("--seed", "0..9,223,372,036,854,775,807"),
    ("--source-partitions", "1..100,000"),
])
def test_numeric_options_say_their_range(sql_file: Path, capsys: pytest.CaptureFixture[str],
                                         option: str, bounds: str, value: str) -> None:
    code, out, err = run(["simulate", str(sql_file), f"{option}={value}"], capsys)
    assert code == 2 and out == ""
    assert err.startswith(f"error: {option} must be an integer in {bounds}"), err
    assert err.endswith(f", got {value!r}\n"), err
    assert "RuntimeWarning" not in err and "Traceback" not in err


@pytest.mark.parametrize("value", ["inf", "nan", "-1", "0", "1e13", ""])
def test_rate_says_its_range(sql_file: Path, capsys: pytest.CaptureFixture[str], value: str) -> None:
    code, _, err = run(["simulate", str(sql_file), "--rate", value], capsys)
    assert code == 2 and err == f"error: --rate must be a finite number > 0 and <= 1e+12, got {value!r}\n"


def test_partitions_1e20_in_the_library_says_the_range() -> None:
    from core.errors import InvalidConfigError
    from core.simulation import SimulationConfig

    for bad in (10**20, 2**63, float("inf")):
        with pytest.raises(InvalidConfigError, match=r"partitions must be an integer 1\.\.100000"):
            SimulationConfig(partitions=bad)  # type: ignore[arg-type]
