"""What-if figures and the sentence that says what each one means (pure; no Streamlit).

Each builder takes the ``to_dict()`` of core's what-if result (``core.simulation.whatif``): the worker
sweep, rescaling W → W', two-phase aggregation, salting and partial key grouping.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from dashboard.charts.pipeline import title_below_toolbar
from dashboard.charts.style import FONT_SIZE, base_layout, reference_line

# Titles stay within ~38 characters: longer ones are cut on a 390 px phone.
__all__ = [
    "sweep_figure",
    "sweep_sentence",
    "rescale_figure",
    "rescale_sentence",
    "two_phase_figure",
    "two_phase_sentence",
    "salting_figure",
    "salting_sentence",
    "pkg_figure",
    "pkg_sentence",
    "BAR_WORKERS",
]

# Up to this many workers a chart draws one bar per worker; above, each series as its loads sorted
# from the busiest worker down (a bar per worker would be thinner than a pixel on a phone).
BAR_WORKERS = 64
_BEFORE = "#9CA3AF"
_AFTER = "#0072B2"
_MERGE = "#E69F00"
_PLACEMENT_WORDS = {"mod_hash": "hash mod W", "flink_key_groups": "Flink key groups"}


def _placement(name: str) -> str:
    return _PLACEMENT_WORDS.get(name, name.replace("_", " "))


def _per_worker(fig: go.Figure, series: Sequence[tuple[str, Sequence[int], str]], unit: str) -> None:
    """Grouped bars per worker, or (past BAR_WORKERS) each series sorted from the busiest worker down."""
    workers = max((len(loads) for _, loads, _ in series), default=0)
    if workers <= BAR_WORKERS:
        for name, loads, color in series:
            fig.add_bar(name=name, x=[f"w{i}" for i in range(len(loads))], y=list(loads), marker_color=color,
                        hovertemplate=f"{name}<br>%{{x}}: %{{y:,}} {unit}<extra></extra>")
        fig.update_layout(barmode="group", xaxis_title="worker")
        return
    for name, loads, color in series:
        ranked = sorted((int(v) for v in loads), reverse=True)
        fig.add_scatter(name=name, x=list(range(1, len(ranked) + 1)), y=ranked, mode="lines",
                        line={"color": color, "width": 2.5},
                        hovertemplate=f"{name}<br>rank %{{x}}: %{{y:,}} {unit}<extra></extra>")
    fig.update_layout(xaxis_title=f"workers ranked by load (busiest first, {workers} workers)")


# --- worker sweep ---------------------------------------------------------------------------------

def sweep_figure(sweep: Mapping[str, Any]) -> go.Figure:
    """Modeled throughput (left axis) and max/mean skew (right axis) for every swept W."""
    points = list(sweep["points"])
    ws = [int(p["workers"]) for p in points]
    fig = go.Figure()
    fig.add_scatter(name="modeled throughput", x=ws, y=[p["modeled_throughput"] for p in points],
                    mode="lines+markers", line={"color": _AFTER, "width": 3},
                    hovertemplate="W=%{x}: %{y:,.0f} records/s<extra></extra>")
    fig.add_scatter(name="skew (max/mean)", x=ws, y=[p["max_mean"] for p in points], yaxis="y2",
                    mode="lines+markers", line={"color": _MERGE, "width": 2, "dash": "dot"},
                    hovertemplate="W=%{x}: max/mean %{y:.2f}<extra></extra>")
    reference_line(fig, float(sweep["throughput_ceiling"]), "ceiling of a hashed stage (C / hottest share)")
    rate = sweep.get("target_rate")
    if rate:
        fig.add_hline(y=float(rate), line_dash="dot", line_color="#B3261E",
                      annotation_text=f"target {rate:,.0f}/s",
                      annotation_position="bottom right", annotation_font_size=13)
    needed = sweep.get("workers_needed")
    if needed is not None:
        hit = next(p for p in points if int(p["workers"]) == int(needed))
        fig.add_scatter(name=f"workers needed: {needed}", x=[needed], y=[hit["modeled_throughput"]],
                        mode="markers", marker={"size": 16, "color": "#B3261E", "symbol": "star"},
                        hovertemplate=f"{needed} workers reach the target<extra></extra>")
    base_layout(fig, "Worker sweep: throughput and skew vs W", height=420,
                yaxis={"title": "modeled records/s", "tickformat": ",.2s", "rangemode": "tozero"},
                yaxis2={"title": "max/mean", "overlaying": "y", "side": "right", "rangemode": "tozero",
                        "showgrid": False, "tickformat": ".1f"},
                xaxis={"title": "workers W"}, margin={"l": 70, "r": 60, "t": 60, "b": 40})
    return title_below_toolbar(fig)


def sweep_sentence(sweep: Mapping[str, Any]) -> str:
    p1 = float(sweep["hottest_share"])
    ceiling = float(sweep["throughput_ceiling"])
    best = max(sweep["points"], key=lambda p: p["modeled_throughput"])
    head = (f"The stage peaks at {best['modeled_throughput']:,.0f} records/s (W = {best['workers']}). "
            f"Its hottest key holds {p1:.1%} of the records and always lands on one worker, so no worker "
            f"count gets past {ceiling:,.0f} records/s: adding workers stops helping once 1/W is below "
            f"{p1:.1%}.")
    rate = sweep.get("target_rate")
    if not rate:
        return head
    needed = sweep.get("workers_needed")
    if needed is not None:
        return f"{needed} workers are enough for {rate:,.0f} records/s. " + head
    if rate > ceiling:
        return (f"No worker count reaches {rate:,.0f} records/s: split the hot key first (two-phase "
                "aggregation, salting or partial key grouping below). " + head)
    return (f"None of the swept worker counts reaches {rate:,.0f} records/s; sweep further. " + head)


# --- rescaling ------------------------------------------------------------------------------------

def rescale_figure(rescale: Mapping[str, Any]) -> go.Figure:
    """Share of keys and of state that change worker, per placement family."""
    families = list(rescale["families"].values())
    names = [_placement(f["placement"]) for f in families]
    fig = go.Figure()
    series = [("keys that move", "keys_share", _BEFORE), ("state that moves", "state_share", _AFTER),
              ("state that moves, best slot mapping", "state_share_best_mapping", _MERGE)]
    for label, field, color in series:
        values = [f.get(field) for f in families]
        if all(v is None for v in values):
            continue
        ys = [100 * float(v) if v is not None else None for v in values]
        fig.add_bar(name=label, x=names, y=ys, marker_color=color,
                    text=[f"{v:.0f} %" if v is not None else "" for v in ys], textposition="outside",
                    cliponaxis=False, hovertemplate=f"{label}<br>%{{x}}: %{{y:.1f}} %<extra></extra>")
    base_layout(fig, f"Rescale {rescale['workers_from']} → {rescale['workers_to']} workers: what moves",
                height=400, barmode="group", yaxis={"title": "% that changes worker", "range": [0, 115]})
    return title_below_toolbar(fig)


def rescale_sentence(rescale: Mapping[str, Any]) -> str:
    parts = []
    for f in rescale["families"].values():
        text = (f"under {_placement(f['placement'])} {f['keys_share']:.0%} of the keys and "
                f"{f['state_share']:.0%} of the state change worker")
        if f.get("key_groups"):
            text += f" ({f['key_groups_moved']} of {f['key_groups']} key groups change owner)"
        if f.get("state_share_best_mapping") is not None:
            text += (f", {f['state_share_best_mapping']:.0%} if new workers start on the old slots they "
                     "share most state with")
        parts.append(text)
    warnings = [w for f in rescale["families"].values() for w in f.get("warnings", [])]
    tail = (" Warning: " + " ".join(warnings)) if warnings else ""
    return (f"Going from {rescale['workers_from']} to {rescale['workers_to']} workers, "
            + "; ".join(parts) + ". Moved state must be shipped (or rebuilt) before the job runs again."
            + tail)


# --- two-phase aggregation ------------------------------------------------------------------------

def two_phase_figure(two_phase: Mapping[str, Any]) -> go.Figure:
    """Rows per worker into the keyed aggregate: single phase (records) vs after the local stage."""
    fig = go.Figure()
    global_stage = two_phase["stages"][1]
    _per_worker(fig, [
        ("one phase: records hashed to the aggregate", two_phase["single_phase"]["loads"], _BEFORE),
        ("two phases: partial rows after the local stage", global_stage["loads"], _AFTER),
    ], "rows")
    base_layout(fig, "Two-phase: load on the keyed stage", height=420,
                yaxis={"title": "rows in (log scale)", "type": "log", "dtick": "D2", "tickformat": ",~s"})
    return title_below_toolbar(fig)


def two_phase_sentence(two_phase: Mapping[str, Any]) -> str:
    single = two_phase["single_phase"]
    global_stage = two_phase["stages"][1]
    return (f"With a local pre-aggregate per worker (mini-batches of {two_phase['mini_batch']:,} records), "
            f"{two_phase['records']:,} records reach the keyed stage as {two_phase['partial_rows']:,} "
            f"partial rows. The hot key {two_phase['hot_key']} sends {two_phase['hot_key_partial_rows']:,} "
            f"rows instead of {two_phase['hot_key_records']:,}, and the busiest worker's share falls from "
            f"{single['max_mean']:.2f}× to {global_stage['max_mean']:.2f}× the mean.")


# --- salting --------------------------------------------------------------------------------------

def salting_figure(salting: Mapping[str, Any]) -> go.Figure:
    """Records per worker before salting, in the salted stage, and partial rows into the merge."""
    salted, merge = salting["stages"]
    fig = go.Figure()
    _per_worker(fig, [("unsalted", salting["unsalted"]["loads"], _BEFORE),
                      (f"salted over {salting['salt']} sub-keys", salted["loads"], _AFTER)], "records")
    base_layout(fig, "Salting hot keys: records per worker", height=420,
                yaxis={"title": "records in", "tickformat": ",~s"})
    fig.add_annotation(text=f"merge stage: {merge['records_in']:,} partial rows, "
                            f"max/mean {merge['max_mean']:.2f}",
                       xref="paper", yref="paper", x=0, y=1.02, showarrow=False, xanchor="left",
                       yanchor="bottom", font={"size": FONT_SIZE - 2, "color": "#4B5563"})
    return title_below_toolbar(fig)


def salting_sentence(salting: Mapping[str, Any]) -> str:
    salted, merge = salting["stages"]
    keys = salting["salted_keys"]
    if not keys:
        return ("No key is salted (none holds more than 1/W of the records): the keyed stage keeps "
                f"max/mean {salting['unsalted']['max_mean']:.2f}.")
    shown = ", ".join(keys[:3]) + (f" and {len(keys) - 3} more" if len(keys) > 3 else "")
    return (f"Salting {shown} ({salting['salted_share']:.0%} of the records) over {salting['salt']} sub-keys "
            f"takes the busiest worker from {salting['unsalted']['max_mean']:.2f}× to "
            f"{salted['max_mean']:.2f}× the mean. The query then needs a second GROUP BY that merges "
            f"{merge['records_in']:,} partial rows on the original key.")


# --- partial key grouping -------------------------------------------------------------------------

def pkg_figure(pkg: Mapping[str, Any]) -> go.Figure:
    """Records per worker under plain hashing and under partial key grouping (d choices)."""
    fig = go.Figure()
    _per_worker(fig, [("hashed (one worker per key)", pkg["hashed"]["loads"], _BEFORE),
                      (f"partial key grouping (d = {pkg['choices']})", pkg["stages"][0]["loads"], _AFTER)],
                "records")
    base_layout(fig, "Partial key grouping: per worker", height=420,
                yaxis={"title": "records in", "tickformat": ",~s"})
    fig.add_annotation(
        text=f"I/m {pkg['imbalance_ratio']:.3f} (bound ≥ {max(pkg['bound'], 0.0):.3f}); "
             f"hashed {pkg['hash_imbalance_ratio']:.3f}",
        xref="paper", yref="paper", x=0, y=1.02, showarrow=False, xanchor="left", yanchor="bottom",
        font={"size": FONT_SIZE - 2, "color": "#4B5563"})
    return title_below_toolbar(fig)


def pkg_sentence(pkg: Mapping[str, Any]) -> str:
    bound = float(pkg["bound"])
    floor = (f"no d-choice scheme can go below {bound:.3f} here (the hottest key's "
             f"{pkg['hottest_share']:.1%} of the records split over at most {pkg['choices']} workers)"
             if bound > 0 else
             f"with {pkg['choices']} choices the hottest key ({pkg['hottest_share']:.1%} of the records) no "
             "longer forces any imbalance")
    return (f"Letting each key use the less loaded of {pkg['choices']} workers brings the imbalance I/m "
            f"(busiest worker minus the mean, over all records) from {pkg['hash_imbalance_ratio']:.3f} to "
            f"{pkg['imbalance_ratio']:.3f}; {floor}. {pkg['split_keys']:,} keys then live on several workers "
            "and need a merge.")
