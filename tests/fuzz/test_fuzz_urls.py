"""Hostile query parameters on every dashboard page (AppTest): no exception, no file written under the
temporary directory, never more processes than the widget allows, never an automatic replay over the
auto-run budget.

Each example draws a few parameters — the shareable names, session-only names a URL must not reach
(processes, tree_text, input_rate, statement) and random ones — with hostile values, and renders a
page. Counts are printed with ``-s``. Fast part: 4 examples per page; ``-m slow``: 150 per page.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import streamlit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from core.budget import AUTO_RUN
from dashboard import runner
from dashboard.scenario import MAX_PROCESSES, URL_PARAMS, Scenario

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
HOPPING = "SELECT symbol, COUNT(*) FROM trades GROUP BY symbol WINDOW HOPPING(1d, 1ms)"
NAMES = [*URL_PARAMS, "processes", "tree_text", "tree_name", "input_rate", "statement", "trace_workers",
         "sample", "zzz"]
VALUES = ["1e20", str(2**63), "inf", "nan", "-0", "", "-1", "48", "10000000", "5000001", "2000", "0",
          "<script>alert(1)</script>", "../../etc/passwd", "\x00", "%00", "ｓｅｌｅｃｔ", HOPPING,
          "SELECT symbol, COUNT(*) FROM trades GROUP BY symbol", "[nodes.root]\nstrategy='sticky'",
          "zipf:1e300", "hot:2", "murmur2", "flink", "extended", "always_hash", "a" * 3000]
COUNTS: Counter[str] = Counter()


def _fuzz_charts_page() -> None:
    from dashboard.views import charts

    charts.render()


def _fuzz_trace_page() -> None:
    from dashboard.views import trace

    trace.render()


def _analyze() -> AppTest:
    return AppTest.from_file(APP, default_timeout=120)


PAGES: dict[str, Callable[[], AppTest]] = {
    "analyze": _analyze,
    "charts": lambda: AppTest.from_function(_fuzz_charts_page, default_timeout=120),
    "trace": lambda: AppTest.from_function(_fuzz_trace_page, default_timeout=120),
}


@pytest.fixture
def replays(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[Any, Any]]]:
    """Every (config, budget) the dashboard hands to core's simulate; the replay still runs."""
    seen: list[tuple[Any, Any]] = []
    real = runner.simulate

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append((kwargs["config"], Scenario(sql=args[0], dialect=kwargs["dialect"])))
        return real(*args, **kwargs)

    monkeypatch.setattr(runner, "simulate", spy)
    yield seen


def _params() -> st.SearchStrategy[dict[str, str]]:
    value = st.one_of(st.sampled_from(VALUES), st.text(max_size=20))
    return st.dictionaries(st.sampled_from(NAMES), value, min_size=1, max_size=5)


def _tmp() -> set[str]:
    return set(os.listdir(tempfile.gettempdir()))


def _render(page: str, params: dict[str, str], seen: list[tuple[Any, Any]]) -> None:
    streamlit.cache_data.clear()
    seen.clear()
    before = _tmp()
    at = PAGES[page]()
    # Small by default so the examples that do replay stay quick; a drawn "records" overrides it.
    at.query_params.update({"records": "2000", "keys": "50", **params})
    at.run()
    COUNTS[f"{page} inputs"] += 1
    assert not at.exception, (params, at.exception)
    # Other processes may share the temporary directory: only this app's names count.
    assert {n for n in _tmp() - before if n.startswith("partition-lab")} == set(), params
    for config, query in seen:
        assert config.processes is not None and 0 <= config.processes <= MAX_PROCESSES
        assert config.process_count <= (os.cpu_count() or 1)
        # Nothing was clicked: whatever ran (its query, records and keys) must fit the auto-run budget.
        ran = replace(query, records=config.records, keys=config.keys)
        assert runner.estimate(ran).fits(AUTO_RUN), (params, runner.estimate(ran).problems(AUTO_RUN))
    COUNTS[f"{page} replayed"] += bool(seen)
    COUNTS[f"{page} clean"] += 1


_FIXTURES = [HealthCheck.function_scoped_fixture]  # the spy's list is cleared per example
_FAST = settings(max_examples=4, deadline=None, suppress_health_check=_FIXTURES)
_SLOW = settings(max_examples=150, deadline=None, suppress_health_check=_FIXTURES)


@pytest.mark.parametrize("page", list(PAGES))
@_FAST
@given(params=_params())
def test_hostile_urls(page: str, params: dict[str, str], replays: list[tuple[Any, Any]]) -> None:
    _render(page, params, replays)


@pytest.mark.slow
@pytest.mark.parametrize("page", list(PAGES))
@_SLOW
@given(params=_params())
def test_hostile_urls_long(page: str, params: dict[str, str], replays: list[tuple[Any, Any]]) -> None:
    _render(page, params, replays)


def test_print_counts() -> None:
    print("\nURL fuzz counts:", dict(sorted(COUNTS.items())))
