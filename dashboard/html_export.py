"""A self-contained HTML report of one scenario: query, decision path, charts, metrics, verdicts.

Every piece of user text (SQL, column names, verdicts that quote them) is HTML-escaped; plotly.js
is inlined once, with the first chart, so the file opens offline.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import plotly.graph_objects as go

from dashboard import charts
from dashboard.charts.data import result_dict
from dashboard.colors import BAD_RED, OK_GREEN, strategy_color
from dashboard.scenario import URL_PARAMS, Scenario

__all__ = ["build_report", "metrics_json", "metrics_csv"]

_CSS = """
body{font-family:Inter,Helvetica,Arial,sans-serif;margin:2rem auto;max-width:1200px;color:#1f2937;
  line-height:1.5}
h1{margin-bottom:0}h2{margin-top:2.2rem;border-bottom:1px solid #e5e7eb;padding-bottom:.3rem}
pre{background:#f3f4f6;padding:1rem;border-radius:6px;overflow-x:auto;white-space:pre-wrap}
table{border-collapse:collapse;font-size:.92rem}
td,th{border:1px solid #e5e7eb;padding:.35rem .6rem;text-align:left}th{background:#f9fafb}
.badge{display:inline-block;padding:.15rem .6rem;border-radius:999px;color:#fff;margin:.15rem}
.swatch{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;margin-right:.35rem;
  vertical-align:middle}
.warn{background:#fff7e6;border-left:4px solid #e69f00;padding:.4rem .8rem;margin:.3rem 0}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _rows(pairs: Iterable[tuple[str, object]]) -> str:
    return "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in pairs)


def _figures(result: Any) -> list[go.Figure]:
    figures = [
        charts.load_bars(result),
        charts.throughput_figure(result),
        charts.shuffle_figure(result),
        charts.backlog_total_figure(result),
        charts.backlog_figure(result),
    ]
    smart = charts.smart_hits_figure(result)
    return figures + ([smart] if smart is not None else [])


def _charts_html(result: Any) -> str:
    parts = []
    for i, fig in enumerate(_figures(result)):
        parts.append(
            fig.to_html(
                full_html=False,
                include_plotlyjs="inline" if i == 0 else False,
                config={"displaylogo": False},
                auto_play=False,  # the backlog animation waits for its play button, as in the app
            )
        )
    return "\n".join(parts)


def _verdicts(result: Any) -> str:
    items = []
    for name, m in result_dict(result)["strategies"].items():
        color = OK_GREEN if m["correct"] else BAD_RED
        label = "correct" if m["correct"] else "wrong"
        items.append(
            f'<tr><td><span class="swatch" style="background:{strategy_color(name)}"></span>{_e(name)}</td>'
            f'<td><span class="badge" style="background:{color}">{label}</span></td>'
            f"<td>{_e(m['verdict'])}</td></tr>"
        )
    return "<table><tr><th>strategy</th><th>result</th><th>verdict</th></tr>" + "".join(items) + "</table>"


def build_report(scenario: Scenario, analysis: Any, result: Any | None) -> str:
    """The report as one HTML document (``result`` None: analysis only)."""
    statement = analysis.statements[scenario.statement] if analysis is not None else None
    body = [
        "<h1>Partition Lab report</h1>",
        f"<p>Generated {_e(datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC'))}</p>",
        "<h2>Query</h2>",
        f"<pre>{_e(scenario.sql)}</pre>",
        "<h2>Scenario</h2>",
        f"<table>{_rows((k, getattr(scenario, k)) for k in URL_PARAMS if k != 'sql')}</table>",
    ]
    if statement is not None:
        d = statement.decision
        body += [
            "<h2>Decision</h2>",
            f"<p>Strategy <b>{_e(d.strategy)}</b> · routing keys {_e(', '.join(d.routing_keys) or 'none')}"
            f" · decided by {_e(d.decided_by)} ({_e(d.tree)} tree)</p>",
            "<ol>"
            + "".join(f"<li><b>{_e(s.question)}</b> → {_e(s.answer)}: {_e(s.reason)}</li>" for s in d.path)
            + "</ol>",
        ]
        body += [f'<div class="warn">{_e(w)}</div>' for w in d.warnings]
    if result is not None:
        data = result_dict(result)
        body += [
            "<h2>Verdicts</h2>",
            _verdicts(result),
            f"<p>Recommended: <b>{_e(data.get('recommended'))}</b> · best correct by throughput: "
            f"<b>{_e(data.get('best_measured'))}</b></p>",
            "<h2>Metrics</h2>",
            charts.metrics_frame(result, verdict=False).to_html(
                index=False, escape=True, border=0, na_rep="—"
            ),
            "<h2>Charts</h2>",
            _charts_html(result),
        ]
        body += [f'<div class="warn">{_e(w)}</div>' for w in data.get("warnings") or ()]
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Partition Lab report</title><style>{_CSS}</style></head><body>"
        + "\n".join(body)
        + "</body></html>"
    )


def metrics_json(result: Any) -> str:
    return json.dumps(result_dict(result), indent=2, default=str)


def metrics_csv(result: Any) -> str:
    frame = charts.metrics_frame(result)
    frame.insert(
        1, "loads", [" ".join(str(v) for v in m["loads"]) for m in result_dict(result)["strategies"].values()]
    )
    return str(frame.to_csv(index=False))
