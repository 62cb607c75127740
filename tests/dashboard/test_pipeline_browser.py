"""The pipeline graph and the What-ifs page in a real browser (Debian chromium through Playwright),
on a desktop (1440×900) and a phone (390×844). Screenshots go to /tmp/shots/dpipe/ (or
$PARTITION_LAB_SHOTS)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from test_dashboard_browser import browser, server  # noqa: F401 — one server for this module

pytestmark = pytest.mark.browser

SAMPLE = Path(__file__).resolve().parents[2] / "sample_queries" / "flink_orders_ddl_join_then_group_by.sql"
SHOTS = Path(os.environ.get("PARTITION_LAB_SHOTS", "/tmp/shots/dpipe"))
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
# Node labels of the join-then-GROUP BY plan under Flink: two sources, a hash exchange per join
# input, the join, the GROUP BY's exchange, the aggregate and the sink.
LABELS = ("source orders", "source customers", "⇄ hash(customer_id)", "⇄ hash(id)", "join (customer_id)",
          "⇄ hash(region)", "aggregate (region)", "sink revenue_by_region")


def _open(browser: Any, server: str, viewport: dict[str, int], path: str = "") -> Any:  # noqa: F811
    page = browser.new_page(viewport=viewport, device_scale_factor=1,
                            is_mobile=viewport is PHONE, has_touch=viewport is PHONE)
    page.set_default_timeout(120_000)
    query = urlencode({"sql": SAMPLE.read_text(), "dialect": "flink", "records": "20000"})
    page.goto(f"{server}/{path}?{query}")
    return page


def _pipeline(page: Any) -> Any:
    from playwright.sync_api import expect

    chart = page.locator("[data-testid='stPlotlyChart']").filter(has_text="Pipeline under flink")
    expect(chart).to_be_visible()
    chart.scroll_into_view_if_needed()
    expect(chart.locator("text", has_text="aggregate (region)").first).to_be_visible()
    return chart


def _label_font_sizes(chart: Any) -> list[float]:
    """Rendered font size (CSS px, after any scaling of the SVG) of every node label."""
    return chart.locator("g.textpoint text").evaluate_all(
        "els => els.map(e => { const svg = e.ownerSVGElement;"
        " const drawn = svg.getBoundingClientRect().width;"
        " const scale = drawn / (svg.width.baseVal.value || drawn);"
        " return parseFloat(getComputedStyle(e).fontSize) * scale; })")


def test_pipeline_graph_of_a_join_then_group_by(browser: Any, server: str) -> None:  # noqa: F811
    from playwright.sync_api import expect

    SHOTS.mkdir(parents=True, exist_ok=True)
    page = _open(browser, server, DESKTOP)
    chart = _pipeline(page)
    text = re.sub(r"\s+", " ", chart.inner_text())
    for label in LABELS:
        assert label in text, label
    assert chart.locator("g.trace.scatter path.point").count() == len(LABELS)
    # One arrow per edge of the plan (7) and the catalog's key on each source.
    assert chart.locator("g.annotation").count() == 7
    assert "key (customer_id)" in text and "key (id)" in text
    assert min(_label_font_sizes(chart)) >= 12
    expect(page.get_by_text("Single routing").first).to_be_visible()

    # Hover an exchange: its strategy and why it is there.
    chart.locator("g.trace.scatter path.point").nth(2).hover(force=True)
    expect(page.locator(".hoverlayer").get_by_text(re.compile("strategy always_hash"))).to_be_visible()
    chart.screenshot(path=str(SHOTS / "pipeline_desktop.png"))
    page.screenshot(path=str(SHOTS / "pipeline_desktop_viewport.png"))

    page.get_by_role("button", name=re.compile("Replay stages")).click()
    outcome = page.get_by_text("no per-stage loads").or_(page.locator("[data-testid='stDataFrame']").last)
    expect(outcome.first).to_be_visible()
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()


def test_pipeline_is_legible_on_a_phone(browser: Any, server: str) -> None:  # noqa: F811
    page = _open(browser, server, PHONE)
    chart = _pipeline(page)
    box = chart.bounding_box()
    assert box is not None and box["width"] <= PHONE["width"]
    sizes = _label_font_sizes(chart)
    assert len(sizes) == len(LABELS) and min(sizes) >= 12, sizes
    # Labels of one row must not overlap each other.
    boxes = chart.locator("g.textpoint").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return [r.left, r.top, r.right, r.bottom]; })")
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            overlap = min(a[2], b[2]) - max(a[0], b[0]) > 1 and min(a[3], b[3]) - max(a[1], b[1]) > 1
            assert not overlap, (a, b)
    chart.screenshot(path=str(SHOTS / "pipeline_phone.png"))
    page.screenshot(path=str(SHOTS / "pipeline_phone_viewport.png"))
    page.close()


def test_what_ifs_page_on_desktop_and_phone(browser: Any, server: str) -> None:  # noqa: F811
    from playwright.sync_api import expect

    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = _open(browser, server, viewport, "whatif")
        sql = "SELECT symbol, COUNT(*) FROM trades GROUP BY symbol"
        page.goto(page.url.split("?")[0] + "?" + urlencode({"sql": sql, "records": "20000"}))
        expect(page.get_by_text("The stage peaks at").first).to_be_visible()
        expect(page.locator("[data-testid='stPlotlyChart']").nth(4)).to_be_visible()
        assert page.locator("[data-testid='stException']").count() == 0
        page.set_viewport_size({"width": viewport["width"], "height": 4200})
        page.wait_for_timeout(1500)
        page.screenshot(path=str(SHOTS / f"whatif_{name}.png"), full_page=True)
        page.close()
