"""The Learn page's routing example as a figure: which worker each record goes to, per strategy."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from core.strategies import STRATEGY_NAMES
from dashboard.charts.style import base_layout, strategy_marker

__all__ = ["example_figure"]


def example_figure(table: pd.DataFrame) -> go.Figure:
    """Records per worker for each strategy (one bar trace per strategy)."""
    fig = go.Figure()
    workers = sorted({int(w) for name in STRATEGY_NAMES if name in table for w in table[name]})
    for name in STRATEGY_NAMES:
        if name not in table:
            continue
        counts = table[name].value_counts()
        fig.add_bar(
            name=name,
            x=[f"worker {w}" for w in workers],
            y=[int(counts.get(w, 0)) for w in workers],
            marker=strategy_marker(name),
        )
    return base_layout(fig, "Records per worker", height=360, barmode="group", yaxis_title="records")
