"""Shared figure styling: readable on a projector, one colour per strategy."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from dashboard.colors import strategy_color

__all__ = ["base_layout", "strategy_marker", "strategy_bars", "reference_line", "FONT_SIZE"]

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


def strategy_bars(names_values: list[tuple[str, float]], text: str, hover: str) -> go.Figure:
    """One single-bar trace per strategy (its own colour and legend entry).

    ``text`` and ``hover`` are format strings for the value, e.g. ``"{:.0f} %"``; hover also gets
    plotly's ``%{y}`` placeholders verbatim.
    """
    fig = go.Figure()
    for name, value in names_values:
        fig.add_bar(
            name=name,
            x=[name],
            y=[value],
            marker=strategy_marker(name),
            text=[text.format(value)],
            textposition="outside",
            cliponaxis=False,
            hovertemplate=f"{name}: {hover}<extra></extra>",
        )
    fig.update_xaxes(showticklabels=False)
    return fig


def reference_line(fig: go.Figure, y: float, label: str) -> None:
    """A dashed horizontal line with a readable label: an even share, an input rate."""
    fig.add_hline(
        y=y,
        line_dash="dash",
        line_color="#6B7280",
        annotation_text=label,
        annotation_position="top right",
        annotation_bgcolor="rgba(255,255,255,0.85)",
        annotation_font_size=13,
    )
