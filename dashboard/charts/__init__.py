"""Pure plotly figure builders ``(result) -> go.Figure``; one colour per strategy everywhere.

Builders read the simulation result through its documented ``to_dict()`` fields, so they accept
either a ``SimulationResult`` or that dict (tests build small dicts by hand).
"""

from __future__ import annotations

from dashboard.charts.backlog import (
    backlog_figure,
    backlog_growth,
    backlog_total_figure,
    clock,
    simulated_span,
)
from dashboard.charts.example import example_figure
from dashboard.charts.keys import HEAT_SCALE, bucket_heatmap, key_worker_heatmap, log_ticks, smart_hits_figure
from dashboard.charts.loads import (
    METRIC_COLUMNS,
    METRIC_HELP,
    NO_MEDIAN_NOTE,
    load_bars,
    metrics_frame,
    shuffle_figure,
    skew_tables,
    top_workers,
)
from dashboard.charts.throughput import measured_figure, modeled_capacity, throughput_figure

__all__ = [
    "HEAT_SCALE",
    "METRIC_COLUMNS",
    "METRIC_HELP",
    "NO_MEDIAN_NOTE",
    "backlog_figure",
    "backlog_growth",
    "backlog_total_figure",
    "bucket_heatmap",
    "clock",
    "example_figure",
    "key_worker_heatmap",
    "load_bars",
    "log_ticks",
    "measured_figure",
    "metrics_frame",
    "modeled_capacity",
    "shuffle_figure",
    "simulated_span",
    "skew_tables",
    "smart_hits_figure",
    "throughput_figure",
    "top_workers",
]
