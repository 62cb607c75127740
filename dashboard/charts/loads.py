"""Per-worker loads (bars up to ~64 workers, a distribution and the top-N beyond), the shuffle
fraction and the skew tables with plain headers."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from pandas.io.formats.style import Styler
from plotly.subplots import make_subplots

from dashboard.charts.data import result_dict, strategy_items
from dashboard.charts.style import (
    MANY_WORKERS,
    TOP_N,
    WRONG_LABEL,
    base_layout,
    mark_wrong,
    reference_line,
    strategy_bars,
    strategy_marker,
    wrong_strategies,
)
from dashboard.colors import BAD_RED, strategy_color, tint

__all__ = [
    "load_bars",
    "shuffle_figure",
    "metrics_frame",
    "skew_tables",
    "top_workers",
    "METRIC_COLUMNS",
    "METRIC_HELP",
    "NO_MEDIAN_NOTE",
]


def top_workers(loads: list[int] | list[float], n: int = TOP_N) -> list[tuple[int, float]]:
    """The ``n`` busiest workers as ``(worker, load)``, busiest first (ties: lower worker first)."""
    order = sorted(range(len(loads)), key=lambda w: (-loads[w], w))
    return [(w, float(loads[w])) for w in order[:n]]


def _worker_bars(result: Any, wrong: list[str]) -> go.Figure:
    data = result_dict(result)
    workers = int(data["workers"])
    fig = go.Figure()
    for name, m in strategy_items(result):
        bad = name in wrong
        fig.add_bar(
            name=name,
            x=[f"w{i}" for i in range(workers)],
            y=list(m["loads"]),
            marker=strategy_marker(name, bad),
            hovertemplate=f"{name}{' (' + WRONG_LABEL + ')' if bad else ''}<br>%{{x}}: %{{y:,}} records"
            "<extra></extra>",
        )
    # Category ticks thin themselves out, but 60 labels at 45° still jumble: cap them.
    fig.update_xaxes(nticks=min(workers, 10), tickangle=0, title_text="worker")
    return fig


def _summary(result: Any, wrong: list[str]) -> go.Figure:
    """Past MANY_WORKERS: a box of every worker's load per strategy, and the top-N busiest workers."""
    data = result_dict(result)
    workers = int(data["workers"])
    fig = make_subplots(
        rows=2,
        cols=1,
        vertical_spacing=0.2,
        subplot_titles=[
            f"Spread over all {workers} workers",
            f"The {TOP_N} busiest workers",
        ],
    )
    for name, m in strategy_items(result):
        bad = name in wrong
        color = strategy_color(name)
        label = f"{name} ✗ {WRONG_LABEL}" if bad else name
        fig.add_trace(
            go.Box(
                name=name,
                x=[label] * len(m["loads"]),
                y=list(m["loads"]),
                legendgroup=name,
                marker={"color": tint(color, 0.55) if bad else color},
                line={"color": BAD_RED if bad else color},
                fillcolor=tint(color, 0.75 if bad else 0.5),
                boxpoints="outliers",
                hovertemplate=f"{label}<br>%{{y:,}} records<extra></extra>",
            ),
            row=1,
            col=1,
        )
        top = top_workers(list(m["loads"]))
        fig.add_trace(
            go.Bar(
                name=name,
                x=[f"#{rank}" for rank in range(1, len(top) + 1)],
                y=[load for _, load in top],
                customdata=[f"w{w}" for w, _ in top],
                marker=strategy_marker(name, bad),
                legendgroup=name,
                showlegend=False,
                hovertemplate=f"{label}<br>%{{x}} busiest: %{{customdata}}, %{{y:,}} records<extra></extra>",
            ),
            row=2,
            col=1,
        )
    fig.update_xaxes(showticklabels=False, row=1, col=1)
    fig.update_xaxes(title_text="rank (hover for the worker)", row=2, col=1)
    fig.update_yaxes(title_text="records", tickformat="~s")
    fig.update_layout(boxmode="group", barmode="group")
    return fig


def load_bars(result: Any) -> go.Figure:
    """Records per worker, one trace per strategy and a line at a perfect balance; past
    MANY_WORKERS workers a distribution and the busiest workers instead of hairline bars."""
    data = result_dict(result)
    workers = int(data["workers"])
    wrong = wrong_strategies(strategy_items(result))
    even = data["records"] / workers
    if workers > MANY_WORKERS:
        fig = _summary(result, wrong)
        fig.add_hline(y=even, line_dash="dash", line_color="#4B5563", row="all", col=1)
        mark_wrong(fig, wrong, yshift=30)  # above the first panel's title
        return base_layout(
            fig,
            f"Records per worker ({workers} workers: summarised)",
            height=700,
            margin={"l": 70, "r": 40, "t": 120, "b": 60},
            legend={"orientation": "h", "yanchor": "top", "y": -0.08, "xanchor": "left", "x": 0},
        )
    fig = _worker_bars(result, wrong)
    reference_line(fig, even, f"even share<br>{even:,.0f}")
    mark_wrong(fig, wrong)
    return base_layout(
        fig,
        "Records per worker",
        barmode="group",
        yaxis_title="records",
        margin={"l": 70, "r": 110, "t": 90, "b": 40},
        legend={"orientation": "h", "yanchor": "top", "y": -0.25, "xanchor": "left", "x": 0},
    )


def shuffle_figure(result: Any) -> go.Figure:
    """Share of records that cross workers (worker != source_partition % W), one trace per strategy."""
    items = strategy_items(result)
    wrong = wrong_strategies(items)
    shares = [(name, 100.0 * float(m["shuffle_fraction"])) for name, m in items]
    fig = strategy_bars(shares, "{:.0f} %", "%{y:.1f} %", frozenset(wrong))
    fig.update_yaxes(range=[0, 110], ticksuffix=" %")
    mark_wrong(fig, wrong)
    return base_layout(
        fig,
        "Shuffle fraction",
        yaxis_title="records crossing workers",
        margin={"l": 70, "r": 40, "t": 90, "b": 40},
    )


# Plain headers (the result's field names stay the contract; these are only what a reader sees).
METRIC_COLUMNS: dict[str, str] = {
    "max_mean": "busiest ÷ mean",
    "imbalance": "excess over mean (records)",
    "imbalance_ratio": "excess over mean, share of records",
    "cv": "spread (CV)",
    "gini": "inequality (Gini)",
    "jain": "fairness (Jain)",
    "flink_skew_pct": "Flink skew %",
    "max_median": "busiest ÷ median",
    "shuffle_fraction": "share crossing workers",
    "groups": "groups",
    "fragmented_groups": "groups split over workers",
    "wrong_groups": "wrong groups",
    "modeled_throughput": "modeled records/s",
    "measured_records_per_s": "simulator speed (records/s)",
    "correct": "correct",
    "verdict": "verdict",
}

NO_MEDIAN_NOTE = (
    "— : the median worker received no records, so busiest ÷ median has no finite value "
    "(one or a few workers do all the work)."
)

METRIC_HELP: dict[str, str] = {
    "busiest ÷ mean": "The busiest worker's records divided by the average; 1 is a perfect balance. "
    "The stage runs at mean ÷ max of its capacity.",
    "excess over mean (records)": "How many more records the busiest worker got than the average "
    "(max − mean).",
    "excess over mean, share of records": "The busiest worker's excess over the average as a share of all "
    "records ((max − mean) ÷ total); 0 is a perfect balance.",
    "spread (CV)": "Standard deviation of the loads divided by their mean; 0 is a perfect balance.",
    "inequality (Gini)": "0 when every worker gets the same, towards 1 when one worker gets everything.",
    "fairness (Jain)": "1 when every worker gets the same, 1/W when one worker gets everything.",
    "Flink skew %": "Flink's web UI skew: mean distance from the average load, in % of it (capped at 100).",
    "busiest ÷ median": "The busiest worker's records divided by the median worker's (Spark's skew test). "
    + NO_MEDIAN_NOTE,
    "share crossing workers": "Records sent to a worker other than source_partition % W (network shuffle).",
    "groups": "Distinct result groups the statement produces.",
    "groups split over workers": "Groups whose records landed on more than one worker.",
    "wrong groups": "Groups whose result differs from a single-worker run.",
    "modeled records/s": "min(input rate, W × per-worker capacity × mean ÷ max).",
    "correct": "Whether every result matches a single-worker run of the same records.",
}

# Seven numbers a table at most: eight columns fit a laptop's width without cutting the last one.
_BALANCE = ("max_mean", "max_median", "imbalance_ratio", "cv", "gini", "jain", "flink_skew_pct")
_OUTCOME = (
    "correct",
    "shuffle_fraction",
    "imbalance",
    "groups",
    "fragmented_groups",
    "wrong_groups",
    "modeled_throughput",
)
_COUNTS = (
    "imbalance",
    "groups",
    "fragmented_groups",
    "wrong_groups",
    "modeled_throughput",
    "measured_records_per_s",
)


def _value(field: str, value: Any) -> Any:
    if field == "max_median" and (value is None or value == math.inf):
        return math.nan  # the median worker got nothing: no finite ratio; shown as "—" and explained
    return value


def metrics_frame(result: Any, *, verdict: bool = True) -> pd.DataFrame:
    """One row per strategy with every skew, shuffle, correctness and throughput number (unrounded;
    the tables format them). Headers are METRIC_COLUMNS' plain words."""
    rows = []
    for name, m in strategy_items(result):
        row: dict[str, Any] = {"strategy": name}
        for field, label in METRIC_COLUMNS.items():
            if field in m and (verdict or field != "verdict"):
                row[label] = _value(field, m[field])
        rows.append(row)
    return pd.DataFrame(rows)


def _formats(fields: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in fields:
        label = METRIC_COLUMNS[field]
        if field == "correct":
            continue
        if field == "shuffle_fraction":
            out[label] = "{:.0%}"
        elif field in _COUNTS:
            out[label] = "{:,.0f}"
        elif field == "flink_skew_pct":
            out[label] = "{:,.1f} %"
        elif field == "imbalance_ratio":
            out[label] = "{:.4f}"
        else:
            out[label] = "{:,.3f}"
    return out


def _styled(frame: pd.DataFrame, fields: tuple[str, ...]) -> Styler:
    present = tuple(f for f in fields if METRIC_COLUMNS[f] in frame)
    table = frame[["strategy", *(METRIC_COLUMNS[f] for f in present)]].copy()
    if "correct" in present:  # text, not a checkbox: the same words as the badges and the charts
        table["correct"] = table["correct"].map(lambda ok: "✓ correct" if ok else f"✗ {WRONG_LABEL}")
    wrong = set(frame.loc[frame["correct"] == False, "strategy"]) if "correct" in frame else set()  # noqa: E712

    def muted(row: pd.Series) -> list[str]:
        # The same marking as the charts: muted text and the red "wrong results" label.
        style = f"color: #6B7280; background-color: {tint(BAD_RED, 0.92)}" if row["strategy"] in wrong else ""
        return [style] * len(row)

    formats = {"strategy": lambda s: f"{s} ✗" if s in wrong else s, **_formats(present)}
    # One format call: a second one would reset na_rep for the other columns.
    return table.style.format(formats, na_rep="—").apply(muted, axis=1)


def skew_tables(result: Any) -> list[tuple[str, Styler, dict[str, str]]]:
    """(title, styled table, header help) for the balance table and the outcome table: two tables
    of eight metric columns or fewer, so none is cut at the page's edge."""
    frame = metrics_frame(result, verdict=False)
    tables = []
    for title, fields in (
        ("How even the load is", _BALANCE),
        ("Correctness, shuffle and throughput", _OUTCOME),
    ):
        styler = _styled(frame, fields)
        columns = [METRIC_COLUMNS[f] for f in fields if METRIC_COLUMNS[f] in frame]
        helps = {c: METRIC_HELP[c] for c in columns if c in METRIC_HELP}
        tables.append((title, styler, helps))
    return tables
