"""Per-worker loads, shuffle fraction and the skew-metrics table."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.data import result_dict, strategy_items
from dashboard.charts.style import base_layout, reference_line, strategy_bars, strategy_marker

__all__ = ["load_bars", "shuffle_figure", "metrics_frame", "METRIC_COLUMNS"]


def load_bars(result: Any) -> go.Figure:
    """Records per worker, one bar trace per strategy; the dashed line is a perfect balance."""
    data = result_dict(result)
    workers = int(data["workers"])
    fig = go.Figure()
    for name, m in strategy_items(result):
        fig.add_bar(
            name=name,
            x=[f"w{i}" for i in range(workers)],
            y=list(m["loads"]),
            marker=strategy_marker(name),
            hovertemplate=f"{name}<br>%{{x}}: %{{y:,}} records<extra></extra>",
        )
    reference_line(fig, data["records"] / workers, "even share")
    return base_layout(fig, "Records per worker", barmode="group", yaxis_title="records")


def shuffle_figure(result: Any) -> go.Figure:
    """Share of records that cross workers (worker != source_partition % W), one trace per strategy."""
    shares = [(name, 100.0 * float(m["shuffle_fraction"])) for name, m in strategy_items(result)]
    fig = strategy_bars(shares, "{:.0f} %", "%{y:.1f} %")
    fig.update_yaxes(range=[0, 110], ticksuffix=" %")
    return base_layout(fig, "Shuffle fraction", yaxis_title="records crossing workers")


METRIC_COLUMNS: dict[str, str] = {
    "max_mean": "max/mean",
    "imbalance": "imbalance",
    "imbalance_ratio": "I/m",
    "cv": "CV",
    "gini": "Gini",
    "jain": "Jain",
    "flink_skew_pct": "Flink skew %",
    "max_median": "max/median",
    "shuffle_fraction": "shuffle",
    "groups": "groups",
    "fragmented_groups": "fragmented groups",
    "wrong_groups": "wrong groups",
    "modeled_throughput": "modeled rec/s",
    "measured_records_per_s": "measured rec/s",
    "correct": "correct",
    "verdict": "verdict",
}


def _rounded(field: str, value: Any) -> Any:
    if field == "max_median" and value is None:
        return math.inf  # the median worker got nothing (fan-in): the ratio is unbounded, not missing
    if isinstance(value, bool) or not isinstance(value, float):
        return value
    if field in ("modeled_throughput", "measured_records_per_s", "imbalance"):
        return round(value)
    return round(value, 3)


def metrics_frame(result: Any, *, verdict: bool = True) -> pd.DataFrame:
    """One row per strategy with the skew, shuffle, correctness and throughput numbers (rounded)."""
    rows = []
    for name, m in strategy_items(result):
        row: dict[str, Any] = {"strategy": name}
        for field, label in METRIC_COLUMNS.items():
            if field in m and (verdict or field != "verdict"):
                row[label] = _rounded(field, m[field])
        rows.append(row)
    return pd.DataFrame(rows)
