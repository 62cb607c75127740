"""The terminal progress bar of long replays."""

from __future__ import annotations

import io

from core.cli import main
from core.progress import TerminalProgress


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_pipe_gets_one_line_per_tenth_and_the_last_one() -> None:
    out = io.StringIO()
    bar = TerminalProgress(out, total=1_000)
    for i in range(101):
        bar(i / 100)
    lines = out.getvalue().splitlines()
    assert len(lines) == 11
    assert lines[-1].startswith("[" + "#" * 30 + "]") and "1,000 / 1,000 records" in lines[-1]


def test_terminal_redraws_one_line_and_ends_it() -> None:
    out = _Tty()
    bar = TerminalProgress(out, total=10)
    bar(0.0)
    bar(1.0)
    text = out.getvalue()
    assert text.count("\r") == 2 and text.endswith("\n") and text.count("\n") == 1


def test_simulate_shows_progress_on_stderr_only_when_asked(tmp_path, capsys) -> None:
    sql = tmp_path / "q.sql"
    sql.write_text("SELECT k, COUNT(*) FROM t GROUP BY k", encoding="utf-8")
    args = ["simulate", str(sql), "--records", "2000", "--processes", "0", "--json"]
    assert main([*args, "--progress", "always"]) == 0
    captured = capsys.readouterr()
    assert "2,000 / 2,000 records" in captured.err and captured.out.startswith("{")
    assert main([*args, "--progress", "never"]) == 0
    assert capsys.readouterr().err == ""
