"""Where the hottest keys go (key → worker heatmaps), time × worker heat and Smart's hit counters.

Heatmaps stack one strategy per row (titles never collide, the worker axis keeps its width at 256
workers) and share one logarithmic colour scale with a colour bar: with a linear scale one hot row
paints every other cell white.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.charts.backlog import clock
from dashboard.charts.data import result_dict, strategy_items
from dashboard.charts.style import FONT_SIZE, WRONG_LABEL, base_layout, mark_wrong, wrong_strategies
from dashboard.colors import BAD_RED, STRATEGY_COLORS, strategy_color, tint

__all__ = ["key_worker_heatmap", "bucket_heatmap", "smart_hits_figure", "log_ticks", "HEAT_SCALE"]

# One neutral sequential scale for every strategy (a shared colour bar needs one scale); the
# strategy's own colour is on its title.
HEAT_SCALE: list[list[Any]] = [
    [0.0, "#FFFFFF"],
    [0.02, "#EEF4FA"],
    [0.3, "#9DC3E6"],
    [0.65, "#2F78B7"],
    [1.0, "#08306B"],
]


def log_ticks(top: float) -> tuple[list[float], list[str]]:
    """Colour-bar ticks for ``log10(1 + v)`` values up to ``top``: 0, 1, 10, 100, 1k, …"""
    decades = range(0, int(math.log10(max(top, 1.0))) + 1)
    values = [0.0] + [10.0**e for e in decades]
    return [math.log10(1 + v) for v in values], [_tick_text(v) for v in values]


def _tick_text(value: float) -> str:
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if value >= limit:
            return f"{value / limit:g}{suffix}"
    return f"{value:g}"


def _heatmaps(
    title: str, grids: list[tuple[str, pd.DataFrame]], x_title: str, y_title: str, wrong: Iterable[str] = ()
) -> go.Figure:
    bad = set(wrong)
    count = max(len(grids), 1)
    labels = [f"{n}  ✗ {WRONG_LABEL}" if n in bad else n for n, _ in grids]
    fig = make_subplots(
        rows=count, cols=1, subplot_titles=labels or None, shared_xaxes=True, vertical_spacing=0.06
    )
    top = max((float(grid.to_numpy().max()) for _, grid in grids if grid.size), default=1.0) or 1.0
    tickvals, ticktext = log_ticks(top)
    for row, (name, grid) in enumerate(grids, start=1):
        raw = grid.to_numpy(dtype=float)
        fig.add_trace(
            go.Heatmap(
                name=name,
                z=np.log10(1.0 + raw).tolist(),
                customdata=raw.tolist(),
                # Worker numbers, not "w17" categories: a numeric axis thins its ticks to the width.
                x=[_worker_number(c, i) for i, c in enumerate(grid.columns)],
                y=[str(i) for i in grid.index],
                coloraxis="coloraxis",
                hovertemplate=f"{name}<br>{y_title} %{{y}} → {x_title} %{{x}}: "
                "%{customdata:,.0f}<extra></extra>",
            ),
            row=row,
            col=1,
        )
        fig.update_yaxes(autorange="reversed", title_text=y_title, nticks=6, row=row, col=1)
        if name in bad:  # the frame of a wrong strategy's panel, as its bars are outlined in red
            axis = "" if row == 1 else str(row)
            fig.add_shape(
                type="rect",
                xref=f"x{axis} domain",
                yref=f"y{axis} domain",
                x0=0,
                x1=1,
                y0=0,
                y1=1,
                line={"color": BAD_RED, "width": 2, "dash": "dash"},
            )
    # Subplot titles are annotations: colour each by its strategy, left-aligned above its panel.
    for annotation, (name, _) in zip(fig.layout.annotations, grids, strict=False):
        annotation.update(
            x=0,
            xanchor="left",
            font={"size": FONT_SIZE, "color": BAD_RED if name in bad else strategy_color(name)},
        )
    fig.update_xaxes(tickangle=0, tickformat="d")
    fig.update_xaxes(title_text=x_title, row=count, col=1)
    fig.update_layout(
        coloraxis={
            "colorscale": HEAT_SCALE,
            "cmin": 0.0,
            "cmax": math.log10(1 + top),
            "colorbar": {
                "title": {"text": "records<br>(log scale)", "side": "top"},
                "tickvals": tickvals,
                "ticktext": ticktext,
                "thickness": 14,
                "len": 0.9,
            },
        }
    )
    mark_wrong(fig, sorted(bad))
    return base_layout(
        fig, title, height=110 + 170 * count, showlegend=False, margin={"l": 80, "r": 30, "t": 100, "b": 50}
    )


def _worker_number(column: object, position: int) -> int:
    text = str(column)
    return int(text[1:]) if text[:1] == "w" and text[1:].isdigit() else position


def key_worker_heatmap(routing: Mapping[str, pd.DataFrame], wrong: Iterable[str] = ()) -> go.Figure:
    """Records of each hot key (rows, hottest first) per worker (columns), one panel per strategy."""
    return _heatmaps("Where the hottest keys go", list(routing.items()), "worker", "key", wrong)


def bucket_heatmap(result: Any) -> go.Figure:
    """Records per worker per time bucket, one panel per strategy (from ``bucket_loads``)."""
    data = result_dict(result)
    seconds = float(data.get("bucket_seconds") or 1.0)
    items = strategy_items(result)
    grids = []
    for name, m in items:
        rows = m.get("bucket_loads") or []
        grid = pd.DataFrame(rows, columns=[f"w{i}" for i in range(int(data["workers"]))])
        grid.index = [clock((i + 1) * seconds) for i in range(len(rows))]
        grids.append((name, grid))
    return _heatmaps(
        "Records per worker over simulated time", grids, "worker", "time", wrong_strategies(items)
    )


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
