"""Pure plotly figure builders ``(result) -> go.Figure``; one colour per strategy everywhere.

Builders read the simulation result through its documented ``to_dict()`` fields, so they accept
either a ``SimulationResult`` or that dict (tests build small dicts by hand).
"""

from __future__ import annotations

from dashboard.charts.backlog import backlog_figure, backlog_total_figure
from dashboard.charts.example import example_figure
from dashboard.charts.keys import bucket_heatmap, key_worker_heatmap, smart_hits_figure
from dashboard.charts.loads import METRIC_COLUMNS, load_bars, metrics_frame, shuffle_figure
from dashboard.charts.throughput import measured_figure, throughput_figure

__all__ = [
    "METRIC_COLUMNS",
    "backlog_figure",
    "backlog_total_figure",
    "bucket_heatmap",
    "example_figure",
    "key_worker_heatmap",
    "load_bars",
    "measured_figure",
    "metrics_frame",
    "shuffle_figure",
    "smart_hits_figure",
    "throughput_figure",
]
