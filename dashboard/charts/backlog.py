"""Backlog per worker over time, animated bucket by bucket (plotly frames + slider)."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from dashboard.charts.data import result_dict, strategy_items
from dashboard.charts.style import base_layout, strategy_marker

__all__ = ["backlog_figure", "backlog_total_figure"]


def _bars(result: Any, bucket: int, workers: list[str]) -> list[go.Bar]:
    bars = []
    for name, m in strategy_items(result):
        buckets = m.get("backlog") or [[0.0] * len(workers)]
        row = buckets[min(bucket, len(buckets) - 1)]
        bars.append(
            go.Bar(
                name=name,
                x=workers,
                y=list(row),
                marker=strategy_marker(name),
                hovertemplate=f"{name}<br>%{{x}}: %{{y:,.0f}} waiting<extra></extra>",
            )
        )
    return bars


def backlog_figure(result: Any) -> go.Figure:
    """Records waiting per worker at the end of each time bucket; press play or drag the slider.

    One trace per strategy in every frame, so colours and legend stay put while it animates.
    """
    data = result_dict(result)
    workers = [f"w{i}" for i in range(int(data["workers"]))]
    items = strategy_items(result)
    count = max((len(m.get("backlog") or []) for _, m in items), default=0)
    seconds = float(data.get("bucket_seconds") or 1.0)
    peak = max((max(max(row) for row in m["backlog"]) for _, m in items if m.get("backlog")), default=0.0)
    fig = go.Figure(data=_bars(result, max(count - 1, 0), workers))
    labels = [f"{(i + 1) * seconds:.2g} s" for i in range(count)]
    fig.frames = [go.Frame(data=_bars(result, i, workers), name=labels[i]) for i in range(count)]
    steps = [
        {
            "label": label,
            "method": "animate",
            "args": [
                [label],
                {
                    "mode": "immediate",
                    "frame": {"duration": 0, "redraw": True},
                    "transition": {"duration": 0},
                },
            ],
        }
        for label in labels
    ]
    fig.update_layout(
        sliders=[
            {
                "active": max(count - 1, 0),
                "steps": steps,
                "currentvalue": {"prefix": "time ", "font": {"color": "#374151", "size": 14}},
                "pad": {"t": 30, "l": 90},
                # Sixty step labels would overprint each other; the current value names the time.
                "font": {"color": "rgba(0,0,0,0)"},
                "ticklen": 0,
            }
        ]
        if count > 1
        else [],
        updatemenus=[
            {
                "type": "buttons",
                "showactive": False,
                "x": 0,
                "y": -0.1,
                "xanchor": "left",
                "yanchor": "top",
                "buttons": [
                    {
                        "label": "▶ play",
                        "method": "animate",
                        "args": [
                            None,
                            {
                                "frame": {"duration": 120, "redraw": True},
                                "fromcurrent": False,
                                "transition": {"duration": 0},
                            },
                        ],
                    }
                ],
            }
        ]
        if count > 1
        else [],
    )
    fig.update_yaxes(range=[0, peak * 1.1 if peak > 0 else 1])
    return base_layout(
        fig,
        "Backlog per worker over time",
        height=460,
        barmode="group",
        yaxis_title="records waiting",
        margin={"l": 70, "r": 20, "t": 60, "b": 150},
        legend={"orientation": "h", "yanchor": "top", "y": -0.42, "xanchor": "left", "x": 0},
    )


def backlog_total_figure(result: Any) -> go.Figure:
    """The worst worker's backlog over time, one line per strategy."""
    data = result_dict(result)
    seconds = float(data.get("bucket_seconds") or 1.0)
    fig = go.Figure()
    for name, m in strategy_items(result):
        rows = m.get("backlog") or []
        fig.add_scatter(
            name=name,
            x=[(i + 1) * seconds for i in range(len(rows))],
            y=[max(row) if row else 0 for row in rows],
            mode="lines",
            line={"color": strategy_marker(name)["color"], "width": 3},
        )
    return base_layout(
        fig, "Worst worker's backlog over time", xaxis_title="seconds", yaxis_title="records waiting"
    )
