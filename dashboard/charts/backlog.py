"""Backlog per worker over simulated time (animated bucket by bucket) and the worst worker's backlog.

A replay of R records at an input rate r covers only R / r seconds of simulated time (200,000 records
at 800,000/s: a quarter of a second), so the titles say so plainly and ``backlog_growth`` turns the
slope into what a reader plans with: records behind per second, and after a minute.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from dashboard.charts.data import result_dict, strategy_items
from dashboard.charts.style import (
    MANY_WORKERS,
    WRONG_LABEL,
    base_layout,
    mark_wrong,
    strategy_marker,
    wrong_strategies,
)
from dashboard.colors import BAD_RED, strategy_color, tint

__all__ = ["backlog_figure", "backlog_total_figure", "backlog_growth", "simulated_span", "clock"]


def clock(seconds: float) -> str:
    """A simulated instant or span: milliseconds below a second (replays are short), else seconds."""
    return f"{seconds * 1000:,.3g} ms" if seconds < 1 else f"{seconds:,.3g} s"


def simulated_span(result: Any) -> float:
    """Seconds of simulated time the replay covers (all its time buckets)."""
    data = result_dict(result)
    count = max((len(m.get("backlog") or []) for _, m in strategy_items(result)), default=0)
    return count * float(data.get("bucket_seconds") or 0.0)


def backlog_growth(result: Any) -> dict[str, float]:
    """Records per simulated second by which each strategy's busiest worker falls behind (0 = keeps up).

    The slope over the replay's second half: the first buckets include the queue filling up.
    """
    data = result_dict(result)
    seconds = float(data.get("bucket_seconds") or 0.0)
    out: dict[str, float] = {}
    for name, m in strategy_items(result):
        rows = m.get("backlog") or []
        if len(rows) < 2 or seconds <= 0:
            out[name] = 0.0
            continue
        worst = [max(row) if row else 0.0 for row in rows]
        half = len(worst) // 2
        out[name] = max((worst[-1] - worst[half - 1 if half else 0]) / ((len(worst) - half) * seconds), 0.0)
    return out


def _traces(result: Any, bucket: int, workers: int, wrong: list[str]) -> list[go.BaseTraceType]:
    traces: list[go.BaseTraceType] = []
    for name, m in strategy_items(result):
        buckets = m.get("backlog") or [[0.0] * workers]
        row = list(buckets[min(bucket, len(buckets) - 1)])
        bad = name in wrong
        label = f"{name} ({WRONG_LABEL})" if bad else name
        if workers > MANY_WORKERS:
            color = strategy_color(name)
            traces.append(
                go.Box(
                    name=name,
                    y=row,
                    marker={"color": tint(color, 0.55) if bad else color},
                    line={"color": BAD_RED if bad else color},
                    fillcolor=tint(color, 0.75 if bad else 0.5),
                    boxpoints="outliers",
                    hovertemplate=f"{label}<br>%{{y:,.0f}} waiting<extra></extra>",
                )
            )
        else:
            traces.append(
                go.Bar(
                    name=name,
                    x=[f"w{i}" for i in range(workers)],
                    y=row,
                    marker=strategy_marker(name, bad),
                    hovertemplate=f"{label}<br>%{{x}}: %{{y:,.0f}} waiting<extra></extra>",
                )
            )
    return traces


def _animation(labels: list[str]) -> dict[str, Any]:
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
    return {
        "sliders": [
            {
                "active": len(labels) - 1,
                "steps": steps,
                "currentvalue": {"prefix": "simulated time ", "font": {"color": "#374151", "size": 14}},
                "pad": {"t": 30, "l": 90},
                # Sixty step labels would overprint each other; the current value names the time.
                "font": {"color": "rgba(0,0,0,0)"},
                "ticklen": 0,
            }
        ],
        "updatemenus": [
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
        ],
    }


def backlog_figure(result: Any) -> go.Figure:
    """Records waiting per worker at the end of each time bucket; press play or drag the slider.

    One trace per strategy in every frame, so colours and legend stay put while it animates; past
    MANY_WORKERS workers each frame is a box of the workers' backlogs instead of hairline bars.
    """
    data = result_dict(result)
    workers = int(data["workers"])
    items = strategy_items(result)
    wrong = wrong_strategies(items)
    count = max((len(m.get("backlog") or []) for _, m in items), default=0)
    seconds = float(data.get("bucket_seconds") or 1.0)
    peak = max((max(max(row) for row in m["backlog"]) for _, m in items if m.get("backlog")), default=0.0)
    fig = go.Figure(data=_traces(result, max(count - 1, 0), workers, wrong))
    labels = [clock((i + 1) * seconds) for i in range(count)]
    fig.frames = [go.Frame(data=_traces(result, i, workers, wrong), name=labels[i]) for i in range(count)]
    if count > 1:
        fig.update_layout(**_animation(labels))
    fig.update_yaxes(range=[0, peak * 1.1 if peak > 0 else 1], tickformat="~s")
    if workers <= MANY_WORKERS:
        fig.update_xaxes(nticks=min(workers, 10), tickangle=0, title_text="worker")
    mark_wrong(fig, wrong)
    return base_layout(
        fig,
        f"Backlog per worker in the {clock(count * seconds)} of input replayed",
        height=480,
        barmode="group",
        boxmode="group",
        yaxis_title="records waiting",
        margin={"l": 70, "r": 40, "t": 90, "b": 150},
        legend={"orientation": "h", "yanchor": "top", "y": -0.42, "xanchor": "left", "x": 0},
    )


def backlog_total_figure(result: Any) -> go.Figure:
    """The worst worker's backlog over simulated time, one line per strategy (wrong ones dotted, muted)."""
    data = result_dict(result)
    seconds = float(data.get("bucket_seconds") or 1.0)
    items = strategy_items(result)
    wrong = wrong_strategies(items)
    fig = go.Figure()
    for name, m in items:
        rows = m.get("backlog") or []
        bad = name in wrong
        color = strategy_color(name)
        label = f"{name} ({WRONG_LABEL})" if bad else name
        fig.add_scatter(
            name=name,
            x=[(i + 1) * seconds * 1000 for i in range(len(rows))],
            y=[max(row) if row else 0 for row in rows],
            mode="lines",
            line={
                "color": tint(color, 0.45) if bad else color,
                "width": 3,
                "dash": "dot" if bad else "solid",
            },
            hovertemplate=f"{label}<br>%{{x:,.1f}} ms: %{{y:,.0f}} waiting<extra></extra>",
        )
    fig.update_yaxes(tickformat="~s")
    mark_wrong(fig, wrong)
    return base_layout(
        fig,
        f"Worst worker's backlog in the {clock(simulated_span(result))} replayed",
        xaxis_title="simulated time since the first record (ms)",
        yaxis_title="records waiting",
        margin={"l": 70, "r": 40, "t": 90, "b": 40},
        legend={"orientation": "h", "yanchor": "top", "y": -0.25, "xanchor": "left", "x": 0},
    )
