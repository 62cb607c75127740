"""Pure builders for the Flink panel: the verify report as tables, measured vs simulated loads as a figure.

No Streamlit here, so tests can inspect exactly what the panel shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.style import base_layout

__all__ = ["exchange_text", "verify_frame", "verify_summary", "loads_frame", "loads_figure",
           "simulated_loads"]


def exchange_text(exchange: Mapping[str, Any] | None) -> str:
    """``hash[a, b]`` / ``single`` / ``—``; a Flink key an upstream Calc defines shows ``r = UPPER(x)``."""
    if not exchange:
        return "—"
    keys = list(exchange.get("keys") or [])
    exprs = list(exchange.get("key_expressions") or keys)
    shown = [k if k == e else f"{k} = {e}" for k, e in zip(keys, exprs, strict=True)]
    text = f"{exchange['kind']}[{', '.join(shown)}]" if keys else str(exchange["kind"])
    feeds = exchange.get("feeds")
    return f"{text} → {feeds}" if feeds else text


def verify_frame(statement: Mapping[str, Any]) -> pd.DataFrame:
    """One row per exchange pair of a statement: Flink's, Partition Lab's, the verdict and why."""
    rows = []
    for v in statement.get("verdicts") or ():
        flink = statement["flink"][v["flink"]] if v.get("flink") is not None else None
        ours = statement["partition_lab"][v["partition_lab"]] if v.get("partition_lab") is not None else None
        verdict = "same" if v["verdict"] == "same" else "known engine rule" if v.get("rule") else "different"
        rows.append({"Flink": exchange_text(flink), "Partition Lab": exchange_text(ours), "Verdict": verdict,
                     "Why": str(v.get("rule") or v.get("reason") or "")})
    if not rows:
        rows.append({"Flink": "no exchange (all forward)", "Partition Lab": "no exchange", "Verdict": "same",
                     "Why": ""})
    return pd.DataFrame(rows, columns=["Flink", "Partition Lab", "Verdict", "Why"])


def verify_summary(report: Mapping[str, Any]) -> tuple[int, int]:
    """``(statements that agree, statements)``."""
    statements = list(report.get("statements") or ())
    return sum(1 for s in statements if s.get("agree")), len(statements)


def simulated_loads(result: Mapping[str, Any]) -> list[int] | None:
    """The replay's per-worker loads of plain key hashing (what a Flink hash exchange does), if replayed."""
    metrics = (result.get("strategies") or {}).get("always_hash")
    return [int(x) for x in metrics["loads"]] if metrics and metrics.get("loads") is not None else None


def loads_frame(measured: Mapping[str, Any], simulated: Sequence[int] | None) -> pd.DataFrame:
    """One row per subtask: each keyed Flink vertex's measured ``numRecordsIn`` and the simulated load."""
    stages = list(measured.get("stages") or ())
    width = max([len(s["loads"]) for s in stages] + [len(simulated or ())])
    table: dict[str, list[Any]] = {"Subtask": list(range(width))}
    for n, stage in enumerate(stages):
        loads = list(stage["loads"])
        table[f"Flink stage {n + 1} (measured)"] = loads + [None] * (width - len(loads))
    if simulated is not None:
        table["Simulated (always_hash)"] = list(simulated) + [None] * (width - len(simulated))
    return pd.DataFrame(table)


def loads_figure(measured: Mapping[str, Any], simulated: Sequence[int] | None) -> go.Figure:
    """Grouped bars per subtask: the first keyed stage as measured on Flink beside the simulation."""
    fig = go.Figure()
    stages = list(measured.get("stages") or ())
    if stages:
        loads = list(stages[0]["loads"])
        fig.add_bar(name="measured on Flink", x=list(range(len(loads))), y=loads, marker={"color": "#e6522c"})
    if simulated is not None:
        fig.add_bar(name="simulated", x=list(range(len(simulated))), y=list(simulated),
                    marker={"color": "#4c78a8"})
    base_layout(fig, "Records per subtask: Flink job vs simulation", barmode="group",
                xaxis={"title": "subtask", "dtick": 1}, yaxis={"title": "records in"})
    return fig
