"""Hostile CLI options for ``analyze`` and ``simulate``: exit 0, or exit 2 with ``error: ...``.

Each example draws a handful of options (names from the real parser, values from a pool of hostile
spellings — 1e20, 2**63, inf, nan, -0, '', unicode digits, huge and negative numbers — and small
valid ones) and runs ``partition-lab`` in-process through :func:`core.cli.main` (no interpreter start per
example). Asserted: the exit status is 0 or 2; on 2 stderr starts with ``error:``; never a traceback or
a numpy warning; each example within a time bound (``signal.alarm``). A few cases run as real
subprocesses to check no signal death. Counts are printed (``-s``) as inputs/accepted/refused.

Fast part: 100 examples per command and one subprocess; ``pytest -m slow tests/fuzz`` runs 2,000 per command.
"""

from __future__ import annotations

import contextlib
import io
import signal
import subprocess
import sys
import warnings
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import cli

ROOT = Path(__file__).resolve().parents[2]
SQL = "SELECT symbol, COUNT(*) AS n FROM trades GROUP BY symbol"
HOSTILE = ["1e20", str(2**63), str(2**64), "inf", "-inf", "nan", "-0", "", " ", "0", "-1", "1.5", "0x10",
           "１２", "1_000", "9" * 400, "+3", "1e-300", "NaN", "∞", "\x00", "10**15", str(10**15), "1e308"]
SMALL = ["1", "2", "3", "8", "16", "100", "1000"]
INT_OPTIONS = ["--records", "--partitions", "--workers", "--keys", "--seed", "--source-partitions",
               "--statement", "--batch-size"]
FLOAT_OPTIONS = ["--rate", "--cost-us", "--hash-cost-us", "--shuffle-cost-us", "--worker-deadline"]
ANALYZE_OPTIONS = ["--source-partitions"]
COUNTS: Counter[str] = Counter()
EXAMPLE_SECONDS = 30


@pytest.fixture(scope="module")
def sql_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fuzz") / "q.sql"
    path.write_text(SQL, encoding="utf-8")
    return path


@contextlib.contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    def hung(signum: int, frame: object) -> None:
        raise TimeoutError(f"example took more than {seconds} s")

    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _run(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with (contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), warnings.catch_warnings(),
          _deadline(EXAMPLE_SECONDS)):
        warnings.simplefilter("error")  # a numpy RuntimeWarning is a failure, not noise
        code = cli.main(argv)
    return code, err.getvalue()


def _check(command: str, argv: list[str]) -> None:
    code, err = _run(argv)
    COUNTS[f"{command} inputs"] += 1
    assert code in (0, 2), (argv, code, err)
    assert "Traceback" not in err and "Warning" not in err, (argv, err)
    if code == 2:
        assert err.startswith("error: "), (argv, err)
        COUNTS[f"{command} refused"] += 1
    else:
        COUNTS[f"{command} accepted"] += 1


def _value() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(HOSTILE), st.sampled_from(SMALL), st.text(max_size=12))


def _options(names: list[str]) -> st.SearchStrategy[list[str]]:
    pair = st.tuples(st.sampled_from(names), _value()).map(lambda p: f"{p[0]}={p[1]}")
    return st.lists(pair, min_size=1, max_size=4)


# Simulate stays small and inline: the fuzzer checks option handling, not the engine's speed.
_SIMULATE_BASE = ["--records", "500", "--processes", "0", "--strategies", "sticky,always_hash"]


def _simulate(sql_file: Path, options: list[str]) -> None:
    # Options given later override the base ones (argparse keeps the last).
    _check("simulate", ["simulate", str(sql_file), *_SIMULATE_BASE, *options])


def _analyze(sql_file: Path, options: list[str]) -> None:
    _check("analyze", ["analyze", str(sql_file), "--json", *options])


_FIXTURES = [HealthCheck.function_scoped_fixture]  # the SQL file is shared and read-only
_FAST = settings(max_examples=100, deadline=None, suppress_health_check=_FIXTURES)
_SLOW = settings(max_examples=2_000, deadline=None, suppress_health_check=_FIXTURES)
# --records only from the hostile pool or small: a valid huge count is the budget's test, not this one's.
_SIM_OPTIONS = _options([*INT_OPTIONS, *FLOAT_OPTIONS, "--processes"]).filter(
    lambda opts: not any(o.startswith("--processes=") and o.split("=", 1)[1].strip() in SMALL[1:]
                         for o in opts))


@_FAST
@given(options=_SIM_OPTIONS)
def test_simulate_options_fail_politely(sql_file: Path, options: list[str]) -> None:
    _simulate(sql_file, options)


@_FAST
@given(options=_options(ANALYZE_OPTIONS))
def test_analyze_options_fail_politely(sql_file: Path, options: list[str]) -> None:
    _analyze(sql_file, options)


@pytest.mark.slow
@_SLOW
@given(options=_SIM_OPTIONS)
def test_simulate_options_fail_politely_long(sql_file: Path, options: list[str]) -> None:
    _simulate(sql_file, options)


@pytest.mark.slow
@_SLOW
@given(options=_options(ANALYZE_OPTIONS))
def test_analyze_options_fail_politely_long(sql_file: Path, options: list[str]) -> None:
    _analyze(sql_file, options)


@pytest.mark.parametrize("options", [
    ["--partitions=1e20"], pytest.param(["--records", str(10**15)], marks=pytest.mark.slow),
    pytest.param(["--workers=500", "--processes=500", "--records=200"], marks=pytest.mark.slow),
    pytest.param(["--rate=nan"], marks=pytest.mark.slow), pytest.param(["--seed=-0"], marks=pytest.mark.slow),
])
def test_subprocess_cases_exit_cleanly(sql_file: Path, options: list[str]) -> None:
    proc = subprocess.run([sys.executable, "-W", "error", "-m", "core.cli", "simulate", str(sql_file),
                           "--strategies=sticky", *options], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode in (0, 2), proc  # negative = killed by a signal
    assert "Traceback" not in proc.stderr and "Warning" not in proc.stderr
    if proc.returncode == 2:
        assert proc.stderr.startswith("error: ")


def test_print_counts() -> None:
    # Runs last in this file: the counts of the examples above (shown with -s).
    print("\nCLI fuzz counts:", dict(sorted(COUNTS.items())))
