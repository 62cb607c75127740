"""A self-contained HTML report of one scenario: query, decision path, charts, metrics, verdicts.

Every piece of user text (SQL, column names, verdicts that quote them) is HTML-escaped; plotly.js
is inlined once, with the first chart, so the file opens offline.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import plotly.graph_objects as go

from dashboard import charts
from dashboard.charts.data import result_dict
from dashboard.colors import BAD_RED, OK_GREEN, strategy_color
from dashboard.headline import RECOMMENDING_TREE, Verdict, headline, replay_verdicts, trusted_best
from dashboard.scenario import Scenario
from dashboard.text import user_words

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


def _verdicts(result: Any, verdicts: Mapping[str, Verdict]) -> str:
    """One row per strategy: wrong when the replay or the analysis says so (with the reason)."""
    items = []
    for name, m in result_dict(result)["strategies"].items():
        verdict = verdicts.get(name)
        wrong = verdict.wrong if verdict is not None else not m["correct"]
        color = BAD_RED if wrong else OK_GREEN
        label = "wrong" if wrong else "correct"
        because = verdict.because if verdict is not None and wrong and m["correct"] else m["verdict"]
        items.append(
            f'<tr><td><span class="swatch" style="background:{strategy_color(name)}"></span>{_e(name)}</td>'
            f'<td><span class="badge" style="background:{color}">{label}</span></td>'
            f"<td>{_e(because)}</td></tr>"
        )
    return "<table><tr><th>strategy</th><th>result</th><th>verdict</th></tr>" + "".join(items) + "</table>"


def _inputs(scenario: Scenario) -> list[tuple[str, object]]:
    """Every input that changes the result, in the page's words."""
    tree = f"uploaded file {scenario.tree_name} ({len(scenario.tree_text.splitlines())} lines)" \
        if scenario.tree_text else scenario.tree
    return [
        ("dialect", scenario.dialect), ("engine", scenario.engine or "the dialect's"),
        ("decision tree", tree),
        ("source key columns", scenario.source_key or "none typed (DDL, else unknown)"),
        ("source partitions", scenario.partitions), ("strategy", scenario.strategy),
        ("records", f"{scenario.records:,}"), ("workers", scenario.workers),
        ("distinct keys", f"{scenario.keys:,}"),
        ("key distribution", scenario.distribution), ("producer", scenario.producer),
        ("input rate (records/s)",
         f"{scenario.input_rate:,.0f}" if scenario.input_rate else "0 (as fast as the workers go)"),
        ("processes", scenario.processes), ("seed", scenario.seed),
        ("statement", "the last" if scenario.statement < 0 else f"#{scenario.statement + 1}"),
    ]


def _statement(analysis: Any, index: int) -> tuple[Any, Any, Any] | None:
    if analysis is None or not analysis.statements:
        return None
    index = min(max(index, -len(analysis.statements)), len(analysis.statements) - 1)
    presets = analysis.presets[index] if analysis.presets else {}
    sources = analysis.sources[index] if analysis.sources else {}
    return analysis.statements[index], presets, sources


def build_report(scenario: Scenario, analysis: Any, result: Any | None, *, link: str | None = None) -> str:
    """The report as one HTML document (``result`` None: analysis only); ``link`` the share link that
    reopens the same scenario in the dashboard."""
    found = _statement(analysis, scenario.statement)
    statement = found[0] if found else None
    shared = (f'<p>Open this scenario in the dashboard: <a href="{_e(link)}">{_e(link)}</a></p>' if link
              else "<p>(No share link: the scenario is too large for one; the inputs are below.)</p>")
    body = [
        "<h1>Partition Lab report</h1>",
        f"<p>Generated {_e(datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC'))}</p>",
        "<h2>Query</h2>",
        f"<pre>{_e(scenario.sql)}</pre>",
        "<h2>Scenario</h2>",
        shared,
        f"<table>{_rows(_inputs(scenario))}</table>",
    ]
    if scenario.tree_text:
        body.append("<details><summary>The uploaded tree</summary>"
                    f"<pre>{_e(scenario.tree_text)}</pre></details>")
    head = headline(*found) if found else None
    if statement is not None and head is not None:
        d = statement.decision
        body += [
            "<h2>Decision</h2>",
            f"<p>Recommended <b>{_e(head.strategy)}</b> (the correctness-first {RECOMMENDING_TREE} tree) · "
            f"routing keys {_e(', '.join(head.routing_keys) or 'none')}</p>",
            *(f'<div class="warn">{_e(user_words(p.sentence()))}</div>' for p in head.others),
            f"<p>The path below: {_e(d.strategy)}, decided by {_e(d.decided_by)} ({_e(d.tree)} tree)</p>",
            "<ol>"
            + "".join(f"<li><b>{_e(user_words(s.question))}</b> → {_e(s.answer)}: "
                      f"{_e(user_words(s.reason))}</li>" for s in d.path)
            + "</ol>",
        ]
        body += [f'<div class="warn">{_e(user_words(w))}</div>' for w in d.warnings
                 if not w.startswith("the seed design picks ")]
    if result is not None:
        data = result_dict(result)
        if found is not None and head is not None:
            verdicts = replay_verdicts(data, found[0], found[2], head.routing_keys)
            recommended = head.strategy
        else:
            verdicts = {n: Verdict("correct" if m["correct"] else "wrong", str(m["verdict"]))
                        for n, m in data["strategies"].items()}
            recommended = str(data.get("recommended"))
        best = trusted_best(data, verdicts, recommended)
        body += [
            "<h2>Verdicts</h2>",
            _verdicts(result, verdicts),
            f"<p>Recommended: <b>{_e(recommended)}</b> · best correct by modeled throughput: "
            f"<b>{_e(best or 'none is correct')}</b></p>",
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
