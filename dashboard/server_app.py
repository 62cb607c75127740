"""The served dashboard: ``app.py`` behind a Host check (``streamlit run`` finds ``app`` below).

Streamlit 1.67 serves on Starlette/uvicorn; ``st.App`` is its documented way to add middleware.
"""

from __future__ import annotations

import sys
from pathlib import Path

from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from streamlit.starlette import App

_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from dashboard.host_check import hosts_from_env  # noqa: E402

app = App(
    "app.py",
    middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=hosts_from_env(), www_redirect=False)],
)
