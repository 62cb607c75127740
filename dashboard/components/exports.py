"""Download buttons (HTML report, JSON metrics, CSV metrics); each file is built only when clicked."""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard.report import build_report, metrics_csv, metrics_json
from dashboard.scenario import Scenario

__all__ = ["export_buttons"]


def export_buttons(scenario: Scenario, analysis: Any, result: Any | None, *, key: str = "export") -> None:
    columns = st.columns(3)
    columns[0].download_button(
        "HTML report",
        icon=":material/download:",
        data=lambda: build_report(scenario, analysis, result),
        file_name="partition-lab-report.html",
        mime="text/html",
        key=f"{key}_html",
        on_click="ignore",
        width="stretch",
    )
    if result is None:
        return
    columns[1].download_button(
        "Metrics (JSON)",
        icon=":material/download:",
        data=lambda: metrics_json(result),
        file_name="partition-lab-metrics.json",
        mime="application/json",
        key=f"{key}_json",
        on_click="ignore",
        width="stretch",
    )
    columns[2].download_button(
        "Metrics (CSV)",
        icon=":material/download:",
        data=lambda: metrics_csv(result),
        file_name="partition-lab-metrics.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
        width="stretch",
    )
