"""Issue 12 in a real browser (Debian chromium through Playwright): charts at 256 workers, the
decision tree's text measured on a phone and on a desktop, the sidebar closing after navigation.
Screenshots (desktop 1440×900, phone 390×844) go to /tmp/shots/dscale/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import test_dashboard_browser as shared
from test_dashboard_browser import GROUP_BY, _page

pytestmark = pytest.mark.browser

# The shared module-scoped fixtures: one Streamlit server and one chromium for this module.
server = shared.server
browser = shared.browser

SHOTS = Path("/tmp/shots/dscale")
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}

# The rendered size of every node label: its font size times the SVG's scale on screen (the SVG's
# drawn width over its viewBox width: graphviz's points, the CSS zoom and any shrinking together).
_TREE_TEXT_PX = """() => {
  const svg = document.querySelector("[data-testid='stGraphVizChart'] svg");
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll('g.node text')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
}"""


def _open(browser: Any, server: str, viewport: dict[str, int], path: str = "", **params: object) -> Any:
    page = _page(browser, server, path, **params)
    page.set_viewport_size(viewport)
    return page


def _shot(page: Any, name: str, viewport: dict[str, int], height: int) -> None:
    """Streamlit scrolls inside its own container, so a tall viewport shows the whole page."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": viewport["width"], "height": height})
    page.wait_for_timeout(1500)
    page.screenshot(path=str(SHOTS / name), full_page=True)
    page.set_viewport_size(viewport)


@pytest.mark.parametrize(("viewport", "label"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_extended_tree_text_is_at_least_12px(
    browser: Any, server: str, viewport: dict[str, int], label: str
) -> None:
    from playwright.sync_api import expect

    params = {"sql": GROUP_BY, "source_key": "symbol", "tree": "extended", "records": 20_000}
    page = _open(browser, server, viewport, **params)
    expect(page.locator("[data-testid='stGraphVizChart'] svg g.node text").first).to_be_visible()
    page.wait_for_timeout(1000)
    sizes = page.evaluate(_TREE_TEXT_PX)
    print(f"\n{label}: {len(sizes)} tree labels, {min(sizes):.1f}–{max(sizes):.1f} px")
    assert len(sizes) > 40 and min(sizes) >= 12.0
    # Wider than the screen: the box scrolls (to the root, drawn at the top centre, first).
    box = page.locator("[class*='st-key-tree_box']")
    assert box.evaluate("b => getComputedStyle(b).overflowX") == "auto"
    if box.evaluate("b => b.scrollWidth > b.clientWidth"):
        assert box.evaluate("b => b.scrollLeft") > 0
    box.scroll_into_view_if_needed()
    box.screenshot(path=str(SHOTS / f"tree_{label}.png"))
    _shot(page, f"analyze_{label}.png", viewport, 4200 if label == "phone" else 2600)
    page.close()


def test_sidebar_closes_after_navigation_on_a_phone(browser: Any, server: str) -> None:
    from playwright.sync_api import expect

    page = _open(browser, server, PHONE, "learn")
    expect(page.get_by_text("Learn the strategies").first).to_be_visible()
    sidebar = page.locator("[data-testid='stSidebar']")
    page.get_by_test_id("stExpandSidebarButton").click()
    expect(sidebar.get_by_role("link", name="Charts")).to_be_visible()
    assert sidebar.bounding_box()["x"] >= 0  # open: an overlay over most of the page
    sidebar.get_by_role("link", name="Charts").click()
    expect(page.get_by_role("heading", name="Charts").first).to_be_visible()
    page.wait_for_timeout(1500)
    box = sidebar.bounding_box()
    assert box is None or box["x"] + box["width"] <= 0, box
    page.close()


def _chart(page: Any, title: str) -> Any:
    return page.locator("[data-testid='stPlotlyChart']").filter(has=page.locator(".gtitle", has_text=title))


def _overlaps(boxes: list[dict[str, float]]) -> int:
    boxes = sorted(boxes, key=lambda b: b["x"])
    return sum(1 for a, b in zip(boxes, boxes[1:], strict=False) if a["x"] + a["width"] > b["x"] + 0.5)


@pytest.mark.parametrize(("viewport", "label"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_charts_at_256_workers(browser: Any, server: str, viewport: dict[str, int], label: str) -> None:
    from playwright.sync_api import expect

    page = _open(browser, server, viewport, sql=GROUP_BY, source_key="symbol", workers=256, records=100_000)
    expect(page.locator("[data-testid='stPlotlyChart'] .main-svg").first).to_be_visible()
    page.get_by_role("link", name=re.compile("^Every chart")).click()  # the link under the summary
    heat = _chart(page, "Records per worker over simulated time")
    expect(heat).to_be_visible()
    assert page.locator("[data-testid='stException']").count() == 0
    loads = _chart(page, "Records per worker (256 workers: summarised)")
    # A box per strategy and the ten busiest workers, not 256 hairline bars.
    assert loads.locator(".boxlayer .trace").count() == 5
    assert loads.locator(".barlayer .point").count() == 50
    # The heatmap has a colour bar in log steps and worker ticks that do not overlap.
    assert heat.locator(".colorbar").count() == 1
    ticks = heat.locator(".xaxislayer-above text")
    boxes = [ticks.nth(i).bounding_box() for i in range(ticks.count())]
    assert 2 <= len(boxes) <= 20 and _overlaps(boxes) == 0
    # Panel titles (one strategy each) are stacked, never on top of each other.
    titles = [
        heat.locator(".annotation-text", has_text=n).first.bounding_box() for n in ("always_hash", "fan_in")
    ]
    assert titles[0]["y"] + titles[0]["height"] < titles[1]["y"]
    # The wrong strategy is named as such on the charts of this GROUP BY.
    expect(page.get_by_text("hatched, muted = wrong results: round_robin").first).to_be_visible()
    _shot(page, f"charts_256_{label}.png", viewport, 9000 if label == "phone" else 5200)
    page.close()
