"""The dashboard in a real browser (Debian chromium through Playwright): a shared scenario URL shows
the decision, the tree and the charts without clicks; user HTML stays text; syntax errors point at
the line. Screenshots go to artifacts/ (gitignored)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from dashboard.launch import SERVED_PATH, server_env, server_flags

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
GROUP_BY = "SELECT symbol, COUNT(*) FROM trades GROUP BY symbol"


def _unavailable(reason: str) -> None:
    if os.environ.get("PARTITION_LAB_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser test required (PARTITION_LAB_REQUIRE_BROWSER=1) but {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    if shutil.which("true") is None:  # pragma: no cover - a sanity check for odd containers
        _unavailable("no POSIX userland")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(SERVED_PATH),
            *server_flags(port=port),
        ],
        cwd=ROOT,
        env={**os.environ, **server_env()},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                    if answer.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the dashboard server did not become healthy")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    expect.set_options(timeout=90_000)  # a cold server imports, analyzes and replays first
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _page(browser: object, server: str, path: str, **params: object):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1600, "height": 1000})  # type: ignore[attr-defined]
    page.set_default_timeout(120_000)
    query = f"?{urlencode({k: str(v) for k, v in params.items()})}" if params else ""
    page.goto(f"{server}/{path}{query}")
    return page


def _shot(page, name: str, height: int = 2400) -> None:  # type: ignore[no-untyped-def]
    """Streamlit scrolls inside its own container, so a tall viewport shows the whole page."""
    page.set_viewport_size({"width": 1600, "height": height})
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)
    page.set_viewport_size({"width": 1600, "height": 1000})


def _time_to_charts(browser: object, server: str, **params: object):  # type: ignore[no-untyped-def]
    """Open a scenario URL; seconds until the strategy, the tree SVG and two plotly charts are visible."""
    from playwright.sync_api import expect

    start = time.monotonic()
    page = _page(browser, server, "", **params)
    expect(page.get_by_text("smart_repartition", exact=True).first).to_be_visible()
    expect(page.locator("[data-testid='stGraphVizChart'] svg").first).to_be_visible()
    expect(page.locator("[data-testid='stPlotlyChart'] .main-svg").nth(1)).to_be_visible()
    return page, time.monotonic() - start


def test_scenario_url_shows_decision_tree_and_charts_without_clicks(browser: object, server: str) -> None:
    from playwright.sync_api import expect

    page, cold = _time_to_charts(browser, server, sql=GROUP_BY, source_key="symbol", records=200_000)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_role("button", name=re.compile("Run replay")).count() == 0
    _shot(page, "analyze.png", 2300)
    # A second visitor of another 200K scenario: warm server, nothing cached for this seed.
    warm_page, warm = _time_to_charts(
        browser, server, sql=GROUP_BY, source_key="symbol", records=200_000, seed=7
    )
    warm_page.close()
    report = (
        f"200K-record scenario URL to all charts drawn: {cold:.2f} s on a cold server, "
        f"{warm:.2f} s warm (new seed, not cached)\n"
    )
    (ARTIFACTS / "timing.txt").write_text(report)
    print("\n" + report)

    page.get_by_role("link", name="Charts").click()
    expect(page.locator("[data-testid='stPlotlyChart'] .main-svg").nth(4)).to_be_visible()
    _shot(page, "charts.png", 3600)
    page.close()


def test_large_scenario_waits_for_a_click(browser: object, server: str) -> None:
    from playwright.sync_api import expect

    page = _page(browser, server, "", sql=GROUP_BY, source_key="symbol", records=2_000_000)
    expect(page.get_by_role("button", name="Run replay of 2,000,000 records")).to_be_visible()
    # No replay chart (the pipeline picture is drawn from the plan alone, replay or not).
    charts = page.locator("[data-testid='stPlotlyChart']")
    assert charts.filter(has_not=page.locator(".gtitle", has_text="Pipeline")).count() == 0
    page.close()


def test_sql_with_html_stays_text(browser: object, server: str) -> None:
    from playwright.sync_api import expect

    sql = "-- <script>window.__pwned = 1</script> <b>x</b>\n" + GROUP_BY
    page = _page(browser, server, "", sql=sql, source_key="symbol", records=1000)
    expect(page.get_by_text("smart_repartition", exact=True).first).to_be_visible()
    expect(page.locator("textarea").first).to_have_value(re.compile(re.escape("<b>x</b>")))
    assert page.locator("b", has_text="x").count() == 0
    assert page.evaluate("window.__pwned === undefined")
    page.close()


def test_syntax_error_points_at_the_line(browser: object, server: str) -> None:
    from playwright.sync_api import expect

    page = _page(browser, server, "", sql="SELECT symbol,\nFROM trades\nGROUP BY symbol")
    alert = page.locator("[data-testid='stAlert']").filter(has_text="line 1")
    expect(alert.first).to_be_visible()
    expect(page.get_by_text("^", exact=False).first).to_be_visible()
    assert page.locator("[data-testid='stException']").count() == 0
    _shot(page, "syntax_error.png", 1000)
    page.close()


def test_learn_page(browser: object, server: str) -> None:
    from playwright.sync_api import expect

    page = _page(browser, server, "learn")
    expect(page.get_by_text("Partitions and workers").first).to_be_visible()
    page.get_by_role("tab", name="Each strategy, live").click()
    # The tour's own chart sits in the hidden tab: look at the visible one.
    expect(page.locator("[data-testid='stPlotlyChart'] .main-svg >> visible=true").first).to_be_visible()
    _shot(page, "learn.png", 1800)

    page.get_by_role("tab", name="Guided tour").click()
    for _ in range(3):
        page.get_by_role("button", name="Next").click()
        page.wait_for_timeout(500)
    expect(page.get_by_text("Round robin breaks a GROUP BY").first).to_be_visible()
    # The step's own live replay answers first (its chart says "wrong results" for round robin).
    expect(page.get_by_text("wrong results").first).to_be_visible()
    page.wait_for_timeout(1000)
    page.get_by_role("button", name="Open this scenario in Analyze & replay").click()
    page.wait_for_url(re.compile(r"strategy=round_robin"))
    expect(page.get_by_role("heading", name="Recommended strategy").first).to_be_visible()
    assert "strategy=round_robin" in page.url  # the opened scenario is a shareable link at once
    page.close()
