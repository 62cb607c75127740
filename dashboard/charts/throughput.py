"""Modeled and measured throughput per strategy (separate figures: their scales differ a lot)."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from dashboard.charts.data import result_dict, strategy_items
from dashboard.charts.style import base_layout, reference_line, strategy_bars

__all__ = ["throughput_figure", "measured_figure"]


def _bars(result: Any, field: str, title: str, rate_line: bool) -> go.Figure:
    values = [(name, float(m[field])) for name, m in strategy_items(result)]
    fig = strategy_bars(values, "{:,.0f}", "%{y:,.0f} records/s")
    rate = result_dict(result).get("input_rate")
    if rate_line and rate:
        reference_line(fig, float(rate), f"input rate {float(rate):,.0f}/s")
    return base_layout(fig, title, yaxis_title="records/s")


def throughput_figure(result: Any) -> go.Figure:
    """Modeled throughput, min(input rate, W·C·mean/max), one trace per strategy."""
    return _bars(result, "modeled_throughput", "Modeled throughput", rate_line=True)


def measured_figure(result: Any) -> go.Figure:
    """Records/s the simulated workers really processed (routing + slowest worker), one trace per strategy."""
    return _bars(result, "measured_records_per_s", "Measured replay speed", rate_line=False)
