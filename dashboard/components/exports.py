"""Download buttons (HTML report, JSON metrics, CSV metrics); each file is built only when clicked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from dashboard.components.share_box import scenario_link
from dashboard.html_export import build_report, metrics_csv, metrics_json
from dashboard.scenario import Scenario

__all__ = ["export_buttons"]


def export_buttons(scenario: Scenario, analysis: Any, result: Any | None, *, key: str = "export") -> None:
    # (label, builder, file suffix, mime); the metrics exist only once a replay ran.
    # The report carries the same share link as the page it is downloaded from.
    page = next((p for p in ("charts", "trace") if key.startswith(p)), "analyze")
    exports: list[tuple[str, Callable[[], str], str, str]] = [
        ("HTML report",
         lambda: build_report(scenario, analysis, result, link=scenario_link(scenario, page).url),
         "report.html", "text/html"),
    ]
    if result is not None:
        exports += [
            ("Metrics (JSON)", lambda: metrics_json(result), "metrics.json", "application/json"),
            ("Metrics (CSV)", lambda: metrics_csv(result), "metrics.csv", "text/csv"),
        ]
    for column, (label, build, suffix, mime) in zip(st.columns(3), exports, strict=False):
        column.download_button(
            label,
            icon=":material/download:",
            data=build,
            file_name=f"partition-lab-{suffix}",
            mime=mime,
            key=f"{key}_{suffix.rsplit('.', 1)[1]}",
            on_click="ignore",
            width="stretch",
        )
