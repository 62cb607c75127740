"""The scenario's share link: a Copy-link button, the link itself (in a code block with its own copy
icon, as the fallback) and a hint of what it holds.

Streamlit has no clipboard widget; a tiny ``st.iframe`` (Streamlit allows its iframes ``clipboard-write``)
copies with ``navigator.clipboard`` and falls back to a selected text field where the browser refuses
(an insecure http origin other than localhost).
"""

from __future__ import annotations

import html
import json

import streamlit as st

from dashboard.samples import load_samples
from dashboard.scenario import DEFAULTS, Scenario
from dashboard.share import Link, share_link, share_params

__all__ = ["scenario_link", "share_box", "PAGES", "FALLBACK_BASE"]

PAGES = ("analyze", "charts", "trace", "learn")
DEFAULT_PAGE = "analyze"
FALLBACK_BASE = "http://127.0.0.1:8501"  # no browser URL (tests, scripts): the launcher's default address


def _base() -> str:
    """The app's root URL as the browser sees it (the page's own path removed)."""
    try:
        url = st.context.url or ""
    except Exception:  # noqa: BLE001 — no browser context (AppTest, a bare script run)
        url = ""
    url = url.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    if not url:
        return FALLBACK_BASE
    for name in PAGES:
        if url.endswith("/" + name):
            return url[: -len(name) - 1]
    return url


def scenario_link(scenario: Scenario, page: str = "analyze") -> Link:
    # The default page is served at the root: Streamlit answers "/analyze" with "page not found".
    path = "" if page == DEFAULT_PAGE else page
    return share_link(_base(), path, share_params(scenario, DEFAULTS, load_samples()))


def _button(url: str) -> None:
    # The URL is JSON-encoded for the script (with "</" broken up) and HTML-escaped for the field.
    as_js = json.dumps(url).replace("</", "<\\/")
    # The only user text inside is the URL, JSON-encoded and HTML-escaped above and below.
    st.iframe(
        f"""<div style="font-family:'Source Sans Pro',sans-serif;font-size:15px;white-space:nowrap">
<button id="copy" style="padding:6px 14px;border:1px solid #cbd5e1;border-radius:8px;background:#fff;
cursor:pointer;font-size:15px">Copy link</button>
<span id="said" role="status" style="margin-left:10px;color:#15803d"></span>
<input id="link" readonly value="{html.escape(url, quote=True)}" aria-label="Share link"
style="display:none;width:60%;margin-left:10px;font-size:13px;vertical-align:middle">
</div>
<script>
const url = {as_js};
const said = document.getElementById("said"), field = document.getElementById("link");
document.getElementById("copy").addEventListener("click", async () => {{
  try {{ await navigator.clipboard.writeText(url); said.textContent = "Copied"; }}
  catch (err) {{
    field.style.display = "inline-block"; field.focus(); field.select();
    let done = false; try {{ done = document.execCommand("copy"); }} catch (e) {{}}
    said.textContent = done ? "Copied" : "Press Ctrl+C (⌘C) to copy the selected link";
  }}
}});
</script>""",
        height=48,
    )


def share_box(scenario: Scenario, page: str = "analyze", *, also: tuple[str, ...] = (),
) -> Link:
    """The Copy-link button and the link for ``scenario`` on ``page`` (or why there is none); ``also``:
    pages whose links are listed too (same scenario)."""
    link = scenario_link(scenario, page)
    if link.url is None:
        st.warning(f"No share link: {link.problem}.", icon=":material/link_off:")
        return link
    _button(link.url)
    st.caption("The link holds every input of this scenario — SQL (or the sample's name), tree (an uploaded "
               "one too), source keys, replay settings — and opens this page. An uploaded trace is not in "
               "it.")
    with st.expander("The link (copy it from here if the button cannot)"):
        st.code(link.url, language=None, wrap_lines=True)
        for other in also:
            extra = scenario_link(scenario, other)
            if extra.url:
                st.caption(f"The same scenario on the {other.capitalize()} page:")
                st.code(extra.url, language=None, wrap_lines=True)
    return link
