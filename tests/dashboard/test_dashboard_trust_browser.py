"""Issue 12 in a real browser: the headline on a join, a global aggregate and a LIMIT sample; a share
link restoring every input and the page in a fresh browser context; the Copy-link button; the stale-key
reset. Screenshots (1440×900 and 390×844) go to /tmp/shots/dtrust/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

# One server for this module (the fixtures are module-scoped where they are defined).
from test_dashboard_browser import CHROMIUM, CHROMIUM_ARGS, _unavailable, server  # noqa: F401

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots/dtrust")
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def chromium(server: str) -> Iterator[object]:  # noqa: F811
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    expect.set_options(timeout=90_000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _open(browser: object, url: str, viewport: dict[str, int] = DESKTOP, **context: object):  # type: ignore[no-untyped-def]
    """A page in a fresh browser context (no cookies, no session: what a colleague opening the link has)."""
    ctx = browser.new_context(viewport=viewport, **context)  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.set_default_timeout(120_000)
    page.goto(url)
    return page


def _shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_timeout(1200)
    page.screenshot(path=str(SHOTS / name))


def _heading(page) -> str:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    block = page.locator("[data-testid='stMarkdownContainer']").filter(has=page.locator("h2"))
    expect(block.first).to_be_visible()
    return str(block.first.locator("h2").inner_text()).strip()


@pytest.mark.parametrize(("sample", "recommended", "seed"), [
    ("velostream_payments_fraud_join", "smart_repartition", "round_robin"),
    ("velostream_iot_global_count", "fan_in", "sticky_partition"),
    ("risingwave_orders_sample_limit", "fan_in", "round_robin"),
])
def test_the_headline_on_a_sample(chromium: object, server: str, sample: str, recommended: str,  # noqa: F811
                                  seed: str) -> None:
    from playwright.sync_api import expect

    page = _open(chromium, f"{server}/?{urlencode({'sample': sample, 'records': 3000})}")
    expect(page.get_by_text("Recommended strategy").first).to_be_visible()
    assert _heading(page) == recommended
    said = page.get_by_text(re.compile(f"The seed design picks {seed}: wrong here because"))
    expect(said.first).to_be_visible()
    best = page.locator("[data-testid='stMetric']").filter(has_text="Best correct")
    expect(best.first).to_be_visible()
    assert seed not in best.first.inner_text()
    assert "expect-" not in page.locator("textarea").first.input_value()  # no test metadata in the box
    assert page.locator("[data-testid='stException']").count() == 0
    short = sample.split("_", 1)[1]
    top = "e => e.scrollIntoView({block: 'start'})"  # Streamlit scrolls its own container, not the page
    page.get_by_text("Recommended strategy").first.evaluate(top)
    _shoot(page, f"headline_{short}_desktop.png")
    page.set_viewport_size(PHONE)
    page.get_by_text("Recommended strategy").first.evaluate(top)
    _shoot(page, f"headline_{short}_phone.png")
    page.context.close()


SCENARIO = {
    "sql": "SELECT page, COUNT(*) AS views FROM pageviews GROUP BY page",
    "dialect": "flink", "tree": "seed", "source_key": "pageviews=page", "partitions": "12",
    "strategy": "always_hash", "records": "3000", "workers": "3", "keys": "50",
    "distribution": "hot:0.3", "producer": "crc32", "input_rate": "9000", "processes": "1", "seed": "5",
}
NUMBERS = {"partitions": "Source partitions", "records": "Records", "workers": "Workers",
           "keys": "Distinct keys", "input_rate": "Input rate (records/s)", "processes": "Processes",
           "seed": "Seed"}
CHOICES = {"dialect": "Dialect", "tree": "Decision tree", "strategy": "Strategy",
           "producer": "Producer partitioner"}


def _link(page) -> str:  # type: ignore[no-untyped-def]
    """The share link, read from the Copy-link component's fallback field."""
    field = page.frame_locator("iframe").first.locator("#link")
    return str(field.get_attribute("value"))


def test_a_share_link_restores_every_input_and_the_page(chromium: object, server: str) -> None:  # noqa: F811
    from playwright.sync_api import expect

    page = _open(chromium, f"{server}/?{urlencode(SCENARIO)}")
    expect(page.get_by_text("Recommended strategy").first).to_be_visible()
    link = _link(page)
    page.context.close()
    assert link.startswith(f"{server}/?")

    fresh = _open(chromium, link)  # a fresh context: nothing but the link
    expect(fresh.get_by_text("Recommended strategy").first).to_be_visible()
    fresh.get_by_text("Replay settings (synthetic Kafka topic)").click()
    expect(fresh.locator("textarea").first).to_have_value(SCENARIO["sql"])
    expect(fresh.get_by_label("Source key columns", exact=True)).to_have_value(SCENARIO["source_key"])
    expect(fresh.get_by_label("Key distribution", exact=True)).to_have_value(SCENARIO["distribution"])
    for name, label in NUMBERS.items():
        got = fresh.get_by_label(label, exact=True).input_value()
        assert float(got.replace(",", "")) == float(SCENARIO[name]), (name, got)
    for name, label in CHOICES.items():
        box = fresh.locator("[data-testid='stSelectbox']").filter(has_text=label).first
        shown = box.inner_text() + " " + " ".join(i.input_value() for i in box.locator("input").all())
        assert SCENARIO[name] in shown, (name, shown)
    _shoot(fresh, "share_restored_desktop.png")
    # The Charts page's link opens that page with the same scenario.
    fresh.get_by_text("The link (copy it from here if the button cannot)").click()
    code = fresh.locator("[data-testid='stCode']").filter(has_text="/charts?").first
    charts = str(code.inner_text()).strip()
    fresh.context.close()
    other = _open(chromium, charts)
    expect(other.get_by_role("heading", name="Charts")).to_be_visible()
    expect(other.get_by_text(re.compile("Replayed 3,000 records")).first).to_be_visible()
    other.get_by_text("Query", exact=True).click()
    expect(other.get_by_text("FROM pageviews GROUP BY page").first).to_be_visible()
    _shoot(other, "share_charts_desktop.png")
    other.context.close()


def test_the_copy_link_button_puts_the_link_on_the_clipboard(chromium: object, server: str) -> None:  # noqa: F811
    from playwright.sync_api import expect

    page = _open(chromium, f"{server}/?{urlencode({'records': 2000, 'workers': 5})}",
                 permissions=["clipboard-read", "clipboard-write"])
    expect(page.get_by_text("Recommended strategy").first).to_be_visible()
    frame = page.frame_locator("iframe").first
    frame.get_by_role("button", name="Copy link").click()
    expect(frame.get_by_text("Copied")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == _link(page) and "workers=5" in copied and "records=2000" in copied
    page.set_viewport_size(PHONE)
    _shoot(page, "copy_link_phone.png")
    page.context.close()


def test_a_stale_source_key_is_reset_in_the_browser(chromium: object, server: str) -> None:  # noqa: F811
    from playwright.sync_api import expect

    page = _open(chromium, f"{server}/?records=2000")
    expect(page.get_by_label("Source key columns", exact=True)).to_have_value("symbol")
    box = page.locator("textarea").first
    box.fill("SELECT page, COUNT(*) FROM pageviews GROUP BY page")
    box.press("Control+Enter")
    expect(page.get_by_text(re.compile("Source key cleared for the new query")).first).to_be_visible()
    expect(page.get_by_label("Source key columns", exact=True)).to_have_value("")
    expect(page.get_by_text(re.compile("keyed by \\(symbol\\)"))).to_have_count(0)
    _shoot(page, "stale_key_desktop.png")
    page.set_viewport_size(PHONE)
    _shoot(page, "stale_key_phone.png")
    page.context.close()
