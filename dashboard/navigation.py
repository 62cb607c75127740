"""The app's pages, defined once so views can link to each other (``st.switch_page``).

Built fresh on each call: Streamlit matches pages by their URL path, not by object identity.
"""

from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import StreamlitPage

__all__ = ["pages", "page"]


def pages() -> dict[str, StreamlitPage]:
    from dashboard.views import analyze, charts, learn, trace, whatif

    return {
        "analyze": st.Page(
            analyze.render,
            title="Analyze & replay",
            icon=":material/manage_search:",
            url_path="analyze",
            default=True,
        ),
        "charts": st.Page(charts.render, title="Charts", icon=":material/bar_chart:", url_path="charts"),
        "trace": st.Page(trace.render, title="Trace replay", icon=":material/upload_file:", url_path="trace"),
        "whatif": st.Page(whatif.render, title="What-ifs", icon=":material/tune:", url_path="whatif"),
        "learn": st.Page(learn.render, title="Learn", icon=":material/school:", url_path="learn"),
    }


def page(name: str) -> StreamlitPage:
    return pages()[name]
