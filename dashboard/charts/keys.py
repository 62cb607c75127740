"""Where the hottest keys go (key → worker heatmaps), time × worker heat and Smart's hit counters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.charts.data import result_dict, strategy_items
from dashboard.charts.style import base_layout
from dashboard.colors import STRATEGY_COLORS, tint

__all__ = ["key_worker_heatmap", "bucket_heatmap", "smart_hits_figure"]


def _scale(name: str) -> list[list[Any]]:
    color = STRATEGY_COLORS.get(name, "#6B7280")
    return [[0.0, "#FFFFFF"], [0.35, tint(color, 0.6)], [1.0, color]]


def _heatmaps(title: str, grids: list[tuple[str, pd.DataFrame]], x_title: str, y_title: str) -> go.Figure:
    fig = make_subplots(
        rows=1,
        cols=max(len(grids), 1),
        subplot_titles=[n for n, _ in grids],
        shared_yaxes=True,
        horizontal_spacing=0.02,
    )
    # One shared scale: per-trace autoscaling would paint tiny differences (round robin's ±1) as hot.
    top = max((float(grid.to_numpy().max()) for _, grid in grids if grid.size), default=1.0) or 1.0
    for col, (name, grid) in enumerate(grids, start=1):
        fig.add_trace(
            go.Heatmap(
                name=name,
                z=grid.to_numpy().tolist(),
                x=[str(c) for c in grid.columns],
                y=[str(i) for i in grid.index],
                colorscale=_scale(name),
                zmin=0,
                zmax=top,
                showscale=False,
                hovertemplate=f"{name}<br>{y_title} %{{y}} → {x_title} %{{x}}: %{{z:,}}<extra></extra>",
            ),
            row=1,
            col=col,
        )
    fig.update_yaxes(autorange="reversed", row=1, col=1, title_text=y_title)
    fig.update_xaxes(title_text=x_title)
    return base_layout(fig, title, height=460, showlegend=False)


def key_worker_heatmap(routing: Mapping[str, pd.DataFrame]) -> go.Figure:
    """Records of each hot key (rows, hottest first) per worker (columns), one heatmap per strategy."""
    return _heatmaps("Where the hottest keys go", list(routing.items()), "worker", "key")


def bucket_heatmap(result: Any) -> go.Figure:
    """Records per worker per time bucket, one heatmap per strategy (from ``bucket_loads``)."""
    data = result_dict(result)
    seconds = float(data.get("bucket_seconds") or 1.0)
    grids = []
    for name, m in strategy_items(result):
        rows = m.get("bucket_loads") or []
        grid = pd.DataFrame(rows, columns=[f"w{i}" for i in range(int(data["workers"]))])
        grid.index = [f"{(i + 1) * seconds:.2g} s" for i in range(len(rows))]
        grids.append((name, grid))
    return _heatmaps("Records per worker over time", grids, "worker", "time")


def smart_hits_figure(result: Any) -> go.Figure | None:
    """smart_repartition's natural vs repartition hits, or None when Smart did not run."""
    metrics = dict(strategy_items(result)).get("smart_repartition")
    if not metrics or metrics.get("natural_hits") is None:
        return None
    natural, repartition = int(metrics["natural_hits"]), int(metrics.get("repartition_hits") or 0)
    color = STRATEGY_COLORS["smart_repartition"]
    fig = go.Figure()
    fig.add_bar(
        name="natural (no shuffle)",
        y=["smart_repartition"],
        x=[natural],
        orientation="h",
        marker={"color": color},
        text=[f"{natural:,}"],
        textposition="inside",
    )
    fig.add_bar(
        name="repartition (hashed)",
        y=["smart_repartition"],
        x=[repartition],
        orientation="h",
        marker={"color": tint(color, 0.65)},
        text=[f"{repartition:,}"],
        textposition="inside",
    )
    pct = metrics.get("alignment_pct")
    title = "Smart's natural vs repartition hits" + (
        f" — {float(pct):.0f} % aligned" if pct is not None else ""
    )
    return base_layout(
        fig,
        title,
        height=250,
        barmode="stack",
        margin={"l": 140, "r": 20, "t": 60, "b": 80},
        legend={"orientation": "h", "yanchor": "top", "y": -0.35, "xanchor": "left", "x": 0},
    )
