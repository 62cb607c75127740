"""Shared fixtures: a fresh AppTest of the dashboard with empty caches."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> Iterator[None]:
    # Caches leak between AppTest instances of one process.
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=120)


@pytest.fixture
def needs_simulation() -> None:
    try:
        from core.simulation import simulate  # noqa: F401
    except ImportError:
        pytest.skip("core.simulation.simulate is not available yet")
