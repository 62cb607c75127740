"""Shared figure styling: readable on a projector, one colour per strategy."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from dashboard.colors import strategy_color

__all__ = ["base_layout", "strategy_marker", "FONT_SIZE"]

FONT_SIZE = 15


def base_layout(fig: go.Figure, title: str, *, height: int = 380, **layout: Any) -> go.Figure:
    settings: dict[str, Any] = {
        "title": {"text": title, "font": {"size": FONT_SIZE + 3}},
        "font": {"size": FONT_SIZE, "family": "Inter, Helvetica, Arial, sans-serif"},
        "height": height,
        "margin": {"l": 70, "r": 20, "t": 60, "b": 40},
        # Below the plot: above it the legend collides with the title on narrow columns.
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.18, "xanchor": "left", "x": 0},
        "template": "plotly_white",
    }
    settings.update(layout)
    fig.update_layout(**settings)
    return fig


def strategy_marker(name: str) -> dict[str, Any]:
    return {"color": strategy_color(name)}
