"""Entry script: page setup and navigation only; every page lives in ``dashboard/views``."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run dashboard/app.py` puts dashboard/ on sys.path, not the project root.
_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from dashboard.components.phone import close_sidebar_after_navigation  # noqa: E402
from dashboard.navigation import pages  # noqa: E402

# Streamlit runs this file as __main__; replay worker processes (forkserver/spawn) re-import the main
# module as __mp_main__, and must not draw a page — or start another replay — when they do.
if __name__ == "__main__":
    st.set_page_config(page_title="Partition Lab", page_icon="🧭", layout="wide")
    current = st.navigation(list(pages().values()))
    close_sidebar_after_navigation(current.url_path)
    current.run()
