"""Mutation fuzzing of the sample queries: the analyzer and the CLI fail politely or not at all.

Each example takes a sample query (``sample_queries/*.sql``) and applies a few token-level
mutations: deletions, insertions (SQL words, punctuation, random unicode, NUL bytes, very long
identifiers, deeply nested parentheses), swaps, duplications and tokens wrapped in parentheses.
Then:

* ``analyze`` returns a result or raises :class:`PartitionLabError` — anything else is a bug;
* ``partition-lab analyze`` (in-process) exits 0 or 2 with ``error: ...``, never a traceback;
* a per-example ``signal.alarm`` turns a hang into a failure.

300 examples by default; ``pytest -m slow tests/fuzz/test_fuzz_samples.py`` runs 10,000.
"""

from __future__ import annotations

import contextlib
import io
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import cli
from core.analysis.api import analyze
from core.errors import PartitionLabError

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "sample_queries").glob("*.sql"))
_TEXTS = {p.name: p.read_text(encoding="utf-8") for p in SAMPLES}
_DIALECT = re.compile(r"^--\s*dialect:\s*(\w+)", re.MULTILINE)
# Words, numbers, quoted strings, comments, single punctuation, whitespace runs.
_TOKEN = re.compile(r"--[^\n]*|'(?:[^']|'')*'|\"[^\"]*\"|`[^`]*`|\w+|\s+|.", re.DOTALL)
_WORDS = ["SELECT", "FROM", "WHERE", "GROUP", "BY", "ORDER", "WINDOW", "TUMBLING", "HOPPING", "SESSION",
          "OVER", "PARTITION", "JOIN", "ON", "AS", "WITH", "EMIT", "CHANGES", "DISTINCT", "LIMIT", "CREATE",
          "STREAM", "TABLE", "INSERT", "INTO", "INTERVAL", "'5' MINUTE", "COUNT(*)",
          "-- @partitioning_strategy: x", "-- @partitioned_by: ",
          "-- @source_partitions: 99999999999999999999", "NULL", "0", "-1",
          "1e999", "(", ")", ",", ";", "*", ".", "'", '"', "`", "=", "/*", "*/", "\n"]
_ALARM_S = 20
_SLOW_EXAMPLES = 10_000


def _dialect(text: str) -> str:
    found = _DIALECT.search(text)
    return found.group(1).lower() if found else "velostream"


@st.composite
def _insertion(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["word", "word", "unicode", "nul", "long", "nested", "nested_open"]))
    if kind == "word":
        return draw(st.sampled_from(_WORDS))
    if kind == "unicode":
        return draw(st.text(min_size=1, max_size=12))
    if kind == "nul":
        return "\x00" * draw(st.integers(1, 3))
    if kind == "long":
        return draw(st.sampled_from(["a", "é", "x_", "𝔵"])) * draw(st.integers(300, 200_000))
    depth = draw(st.integers(10, 5000))
    inner = draw(st.sampled_from(["1", "x", "SELECT 1", ""]))
    return "(" * depth + inner + (")" * depth if kind == "nested" else "")


@st.composite
def mutated_query(draw: st.DrawFn) -> tuple[str, str, str]:
    """(sample name, dialect, mutated SQL)."""
    name = draw(st.sampled_from(sorted(_TEXTS)))
    tokens = _TOKEN.findall(_TEXTS[name])
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "insert", "swap", "duplicate", "wrap"]))
        i = draw(st.integers(0, max(len(tokens) - 1, 0)))
        if op == "delete" and tokens:
            span = draw(st.integers(1, 5))
            del tokens[i:i + span]
        elif op == "insert":
            tokens.insert(i, draw(_insertion()))
        elif op == "swap" and tokens:
            j = draw(st.integers(0, len(tokens) - 1))
            tokens[i], tokens[j] = tokens[j], tokens[i]
        elif op == "wrap" and tokens:
            depth = draw(st.integers(1, 200))
            tokens[i] = "(" * depth + tokens[i] + ")" * depth
        elif tokens:
            tokens[i:i] = tokens[i:i + draw(st.integers(1, 8))]
    dialect = draw(st.sampled_from([_dialect(_TEXTS[name]), "velostream"]))
    return name, dialect, "".join(tokens)


class _Hang(Exception):
    pass


@contextlib.contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    def fire(signum: int, frame: object) -> None:
        raise _Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, fire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def check_analyze(dialect: str, sql: str) -> None:
    """The analyzer's contract under garbage: a result, or the project's root error."""
    with _deadline(_ALARM_S):
        try:
            result = analyze(sql, dialect=dialect)
        except PartitionLabError as exc:
            assert str(exc), "an error without a message"
            return
    result.to_dict()  # the JSON contract must hold for whatever was accepted


def check_cli(dialect: str, sql: str, tmp: Path) -> None:
    """``partition-lab analyze FILE --json`` in-process: 0 or 2, a message, no traceback."""
    path = tmp / "fuzz.sql"
    path.write_text(sql, encoding="utf-8", errors="surrogatepass")
    out, err = io.StringIO(), io.StringIO()
    with _deadline(_ALARM_S), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["analyze", str(path), "--dialect", dialect, "--json"])
    stderr = err.getvalue()
    assert code in (0, 2), (code, stderr[-2000:])
    assert "Traceback" not in stderr, stderr[-2000:]
    if code == 2:
        assert stderr.startswith("error: ") and len(stderr.strip()) > len("error:"), stderr[-2000:]


def _fuzz(case: tuple[str, str, str], tmp: Path) -> None:
    _, dialect, sql = case
    check_analyze(dialect, sql)
    check_cli(dialect, sql, tmp)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(case=mutated_query())
def test_mutated_samples_fail_politely(case: tuple[str, str, str], tmp_path: Path) -> None:
    _fuzz(case, tmp_path)


@pytest.mark.slow
@settings(max_examples=_SLOW_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=mutated_query())
def test_mutated_samples_fail_politely_10k(case: tuple[str, str, str], tmp_path: Path) -> None:
    _fuzz(case, tmp_path)


@pytest.mark.parametrize("sql", [
    "SELECT a FROM t GROUP BY" + "(" * 3000 + "a" + ")" * 3000,
    "SELECT \x00 FROM t\x00;",
    "SELECT " + "x" * 100_000 + " FROM t GROUP BY " + "x" * 100_000,
])
def test_the_console_script_never_shows_a_traceback(sql: str, tmp_path: Path) -> None:
    path = tmp_path / "q.sql"
    path.write_text(sql, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", "import sys; from core.cli import main; sys.exit(main())",
                           "analyze", str(path)], capture_output=True, text=True, timeout=60)
    assert proc.returncode in (0, 2) and "Traceback" not in proc.stderr, proc.stderr[-2000:]


# Minimal reproducers of crashes the fuzzer found; each must now be a clean SqlSyntaxError
# (issue 11).
KNOWN_CRASHES = [
    ("velostream", "SELECT " + "(" * 49 + "1" + ")" * 49 + " FROM t"),  # RecursionError (sqlglot)
    ("velostream", "SELECT a FROM t WHERE " + "NOT " * 400 + "x"),  # RecursionError (sqlglot)
    ("risingwave", "SELECT a FROM TUMBLE(t, ts, ) GROUP BY a"),  # IndexError in core/sql/windows.py
    ("flink", "SELECT a FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), )) GROUP BY a"),  # IndexError
]


@pytest.mark.parametrize(("dialect", "sql"), KNOWN_CRASHES)
def test_fuzzer_reproducers(dialect: str, sql: str, tmp_path: Path) -> None:
    check_analyze(dialect, sql)
    check_cli(dialect, sql, tmp_path)


def test_the_fuzzer_can_fail(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # The checks must reject what they exist to reject, or a green run means nothing.
    def crashing_main(argv: list[str]) -> int:
        sys.stderr.write("Traceback (most recent call last):\n  ...\nValueError: boom\n")
        return 1

    def crashing_analyze(sql: str, **kwargs: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(cli, "main", crashing_main)
    with pytest.raises(AssertionError):
        check_cli("velostream", "SELECT 1", tmp_path)
    monkeypatch.setattr(sys.modules[__name__], "analyze", crashing_analyze)
    with pytest.raises(ValueError):
        check_analyze("velostream", "SELECT 1")
    with pytest.raises(_Hang), _deadline(1):
        signal.pause()
