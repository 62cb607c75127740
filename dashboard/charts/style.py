"""Shared figure styling: readable on a projector and a phone, one colour per strategy, and one way
to mark a strategy that gives wrong results (hatched, muted, labelled) on every chart."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go

from dashboard.colors import BAD_RED, strategy_color, tint

__all__ = [
    "base_layout",
    "strategy_marker",
    "strategy_bars",
    "reference_line",
    "mark_wrong",
    "wrong_strategies",
    "WRONG_LABEL",
    "WRONG_PATTERN",
    "FONT_SIZE",
    "MANY_WORKERS",
    "TOP_N",
]

FONT_SIZE = 15
WRONG_LABEL = "wrong results"
WRONG_PATTERN = "/"  # plotly's diagonal hatch; the same in every chart that fills an area
# Past this many workers a bar per worker is thinner than a pixel on a laptop: summarise instead.
MANY_WORKERS = 64
TOP_N = 10
_MUTE = 0.55  # how far a wrong strategy's colour is mixed with white


def base_layout(fig: go.Figure, title: str, *, height: int = 380, **layout: Any) -> go.Figure:
    settings: dict[str, Any] = {
        # Left-aligned: the mode bar sits at the top right (vertical, see below) and never covers it.
        "title": {"text": title, "font": {"size": FONT_SIZE + 3}, "x": 0, "xanchor": "left", "xref": "paper"},
        "font": {"size": FONT_SIZE, "family": "Inter, Helvetica, Arial, sans-serif"},
        "height": height,
        "margin": {"l": 70, "r": 40, "t": 70, "b": 40},
        # Below the plot: above it the legend collides with the title on narrow columns.
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.18, "xanchor": "left", "x": 0},
        "modebar": {"orientation": "v"},
        "template": "plotly_white",
    }
    settings.update(layout)
    fig.update_layout(**settings)
    return fig


def wrong_strategies(items: list[tuple[str, Mapping[str, Any]]]) -> list[str]:
    """Names of the strategies whose replay gave wrong results (``correct`` is false)."""
    return [name for name, m in items if m.get("correct") is False]


def strategy_marker(name: str, wrong: bool = False) -> dict[str, Any]:
    """A bar's marker: the strategy's colour, or its muted, hatched version when its results are wrong."""
    color = strategy_color(name)
    if not wrong:
        return {"color": color}
    return {
        "color": tint(color, _MUTE),
        "line": {"color": BAD_RED, "width": 1.5},
        "pattern": {"shape": WRONG_PATTERN, "fgcolor": BAD_RED, "size": 8, "solidity": 0.25},
    }


def mark_wrong(fig: go.Figure, wrong: list[str], yshift: int = 4) -> go.Figure:
    """The chart's legend of the hatch: a red note under the title naming the wrong strategies."""
    if wrong:
        fig.add_annotation(
            text=f"▨ hatched, muted = {WRONG_LABEL}: {', '.join(wrong)}",
            xref="paper",
            yref="paper",
            x=0,
            y=1.0,
            xanchor="left",
            yanchor="bottom",
            yshift=yshift,
            showarrow=False,
            font={"color": BAD_RED, "size": FONT_SIZE - 2},
        )
    return fig


def strategy_bars(
    names_values: list[tuple[str, float]], text: str, hover: str, wrong: frozenset[str] = frozenset()
) -> go.Figure:
    """One single-bar trace per strategy (its own colour and legend entry).

    ``text`` and ``hover`` are format strings for the value, e.g. ``"{:.0f} %"``; hover also gets
    plotly's ``%{y}`` placeholders verbatim. Values sit inside the bars, so a reference line's label
    (drawn in the right margin) never covers one.
    """
    fig = go.Figure()
    for name, value in names_values:
        bad = name in wrong
        label = text.format(value) + (f"<br>✗ {WRONG_LABEL}" if bad else "")
        fig.add_bar(
            name=name,
            x=[name],
            y=[value],
            marker=strategy_marker(name, bad),
            text=[label],
            textposition="auto",
            insidetextanchor="middle",
            cliponaxis=False,
            hovertemplate=f"{name}{' (' + WRONG_LABEL + ')' if bad else ''}: {hover}<extra></extra>",
        )
    fig.update_xaxes(showticklabels=False)
    return fig


def reference_line(fig: go.Figure, y: float, label: str, *, dash: str = "dash", shift: int = 0) -> None:
    """A horizontal line whose label sits in the right margin, level with it: never over a bar."""
    fig.add_hline(y=y, line_dash=dash, line_color="#4B5563", line_width=2)
    fig.add_annotation(
        text=label,
        xref="paper",
        x=1.0,
        xanchor="left",
        xshift=6,
        y=y,
        yref="y",
        yshift=shift,
        showarrow=False,
        align="left",
        font={"size": FONT_SIZE - 2, "color": "#374151"},
    )
