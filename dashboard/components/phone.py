"""Phone layout fixes that Streamlit has no option for: the sidebar closes after a page change.

On a narrow screen Streamlit's sidebar is an overlay over ~75 % of the page and stays open after a
navigation link is tapped; this small script closes it once per page (its text names the page, so a
new page mounts a new script, while reruns of the same page leave a sidebar the reader opened alone).
"""

from __future__ import annotations

import streamlit as st

from dashboard.text import md_escape

__all__ = ["close_sidebar_after_navigation", "PHONE_MAX_WIDTH"]

PHONE_MAX_WIDTH = 768  # px: below this Streamlit draws the sidebar as an overlay

_SCRIPT = """<script data-page="PAGE">
(() => { if (!window.matchMedia('(max-width: WIDTHpx)').matches) return;
  const bar = document.querySelector('[data-testid="stSidebar"]');
  const close = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
  if (bar && close && bar.getBoundingClientRect().right > 0) close.click(); })();
</script>"""


def close_sidebar_after_navigation(page: str) -> None:
    """Close the sidebar overlay on a phone once ``page`` (its URL path) starts drawing."""
    script = _SCRIPT.replace("PAGE", md_escape(page).replace('"', "")).replace("WIDTH", str(PHONE_MAX_WIDTH))
    with st.sidebar:
        st.html(script, unsafe_allow_javascript=True)
