"""Modeled throughput per strategy, and (for the details section only) the simulator's own speed.

The modeled throughput is ``min(input rate, W·C·mean/max)``; when the user gave no input rate the
simulation assumes input at the workers' ideal capacity, so the only line worth drawing is that
capacity, named as such — never an "input rate" nobody asked for.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from dashboard.charts.data import result_dict, strategy_items
from dashboard.charts.style import base_layout, mark_wrong, reference_line, strategy_bars, wrong_strategies

__all__ = ["throughput_figure", "measured_figure", "modeled_capacity"]

_RIGHT_MARGIN = 150  # room for the lines' labels beside the plot


def modeled_capacity(result: Any) -> float:
    """W workers × the fastest per-worker capacity: what a perfectly balanced, shuffle-free stage does."""
    data = result_dict(result)
    capacities = [float(m.get("capacity_per_worker") or 0.0) for _, m in strategy_items(result)]
    return int(data["workers"]) * max(capacities, default=0.0)


def throughput_figure(result: Any, input_rate: float | None = None) -> go.Figure:
    """Modeled throughput, one trace per strategy; the modeled-capacity line, and the input rate only
    when one was given (``input_rate`` > 0)."""
    items = strategy_items(result)
    wrong = wrong_strategies(items)
    values = [(name, float(m["modeled_throughput"])) for name, m in items]
    fig = strategy_bars(values, "{:,.0f}", "%{y:,.0f} records/s", frozenset(wrong))
    capacity = modeled_capacity(result)
    workers = int(result_dict(result)["workers"])
    lines: list[tuple[float, str, str]] = []
    if capacity > 0:
        lines.append((capacity, f"modeled capacity<br>{workers} workers:<br>{capacity:,.0f}/s", "dash"))
    if input_rate:
        lines.append((float(input_rate), f"input rate<br>{float(input_rate):,.0f}/s", "dot"))
    top = max([v for _, v in values] + [y for y, _, _ in lines] + [1.0])
    close = len(lines) == 2 and abs(lines[0][0] - lines[1][0]) < 0.15 * top
    for i, (y, label, dash) in enumerate(sorted(lines, key=lambda line: line[0])):
        # Two lines near each other: push the lower label down and the upper one up.
        shift = (-22 if i == 0 else 22) if close else 0
        reference_line(fig, y, label, dash=dash, shift=shift)
    fig.update_yaxes(range=[0, top * 1.08], tickformat="~s")
    mark_wrong(fig, wrong)
    return base_layout(
        fig,
        "Modeled throughput (records/s)",
        yaxis_title="records/s",
        margin={"l": 70, "r": _RIGHT_MARGIN, "t": 90, "b": 40},
    )


def measured_figure(result: Any) -> go.Figure:
    """How fast this machine ran the simulation (routing + slowest worker), per strategy: a property
    of the simulator, not of the modeled job — shown only in a details section."""
    items = strategy_items(result)
    values = [(name, float(m["measured_records_per_s"])) for name, m in items]
    fig = strategy_bars(values, "{:,.0f}", "%{y:,.0f} records/s")
    fig.update_yaxes(tickformat="~s")
    return base_layout(fig, "Simulator speed on this machine (records/s)", yaxis_title="records/s")
