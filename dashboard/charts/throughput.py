"""Modeled and measured throughput per strategy (separate figures: their scales differ a lot)."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from dashboard.charts.data import result_dict, strategy_items
from dashboard.charts.style import base_layout, strategy_marker

__all__ = ["throughput_figure", "measured_figure"]


def _bars(result: Any, field: str, title: str, rate_line: bool) -> go.Figure:
    fig = go.Figure()
    for name, m in strategy_items(result):
        value = float(m[field])
        fig.add_bar(
            name=name,
            x=[name],
            y=[value],
            marker=strategy_marker(name),
            text=[f"{value:,.0f}"],
            textposition="outside",
            cliponaxis=False,
            hovertemplate=f"{name}: %{{y:,.0f}} records/s<extra></extra>",
        )
    rate = result_dict(result).get("input_rate")
    if rate_line and rate:
        fig.add_hline(
            y=float(rate),
            line_dash="dash",
            line_color="#6B7280",
            annotation_text=f"input rate {float(rate):,.0f}/s",
            annotation_position="top right",
            annotation_bgcolor="rgba(255,255,255,0.85)",
            annotation_font_size=13,
        )
    fig.update_xaxes(showticklabels=False)
    return base_layout(fig, title, yaxis_title="records/s")


def throughput_figure(result: Any) -> go.Figure:
    """Modeled throughput, min(input rate, W·C·mean/max), one trace per strategy."""
    return _bars(result, "modeled_throughput", "Modeled throughput", rate_line=True)


def measured_figure(result: Any) -> go.Figure:
    """Records/s the simulated workers really processed (routing + slowest worker), one trace per strategy."""
    return _bars(result, "measured_records_per_s", "Measured replay speed", rate_line=False)
