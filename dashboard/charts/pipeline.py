"""The pipeline picture (pure; no Streamlit): operators and exchanges as a graph, coloured by stage skew.

One node per operator and one per exchange (``source → hash(k) → aggregate → sink``), laid out top
to bottom by longest path, every statement of a script below the previous one, a statement whose
source is an earlier statement's sink joined to it. When a replay reports per-stage loads (the
``stages`` field of ``simulate``'s result), the exchange that feeds a stage is coloured by its
max/mean and its hover lists every worker's records in.

Plotly, not DOT: its text keeps a fixed pixel size whatever the width (legible on a phone), it zooms
and pans, and a tap shows the hover box on touch screens.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go

from dashboard.charts.style import FONT_SIZE

__all__ = [
    "PipelineNode",
    "PipelineGraph",
    "pipeline_graph",
    "pipeline_figure",
    "stage_rows",
    "loads_hover",
    "SKEW_SCALE",
    "HOVER_WORKERS",
    "stage_loads_figure",
    "title_below_toolbar",
]

# max/mean 1 (perfect balance) green → 2 and above red; the colour bar names the scale.
SKEW_SCALE: list[list[Any]] = [[0.0, "#1B7F3B"], [0.35, "#F2C94C"], [1.0, "#B3261E"]]
SKEW_MIN, SKEW_MAX = 1.0, 2.0
# Up to this many workers the hover lists every one; above, the heaviest ones and a summary.
HOVER_WORKERS = 16
_NO_DATA = "#9CA3AF"
_LABEL_WIDTH = 22
_MARKER_PX, _LINE_PX, _GAP_PX = 34, 17, 34  # a node's marker, one label line, the arrow


@dataclass(frozen=True)
class PipelineNode:
    id: str
    role: str  # "operator" or "exchange"
    kind: str  # operator kind, or the exchange kind
    statement: int
    label: str
    hover: str
    rank: int = 0
    x: float = 0.0
    max_mean: float | None = None
    loads: tuple[int, ...] = ()
    op_id: int | None = None  # the operator, or the operator an exchange feeds


@dataclass(frozen=True)
class PipelineGraph:
    nodes: tuple[PipelineNode, ...]
    edges: tuple[tuple[str, str], ...]
    links: tuple[tuple[str, str], ...] = ()  # sink → source of a later statement (same topic)
    stages_matched: int = 0
    notes: tuple[str, ...] = field(default=())

    def node(self, node_id: str) -> PipelineNode:
        return next(n for n in self.nodes if n.id == node_id)


def _wrap(text: str, width: int = _LABEL_WIDTH) -> str:
    """Wrapped lines of raw ``text``, each escaped (escaping first could split an entity)."""
    return "<br>".join(_esc(line) for line in textwrap.wrap(text, width, break_long_words=True)) or _esc(text)


def _esc(text: str) -> str:
    """Plotly renders a subset of HTML in text and hover: user names must stay text."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def loads_hover(loads: Sequence[int], max_workers: int = HOVER_WORKERS) -> str:
    """Per-worker records in as hover lines; past ``max_workers`` the heaviest workers and a summary."""
    values = [int(v) for v in loads]
    if not values:
        return ""
    if len(values) <= max_workers:
        return "<br>".join(f"worker {i}: {v:,}" for i, v in enumerate(values))
    order = sorted(range(len(values)), key=lambda i: (-values[i], i))[: max_workers // 2]
    ranked = sorted(values)
    median = ranked[len(ranked) // 2]
    lines = [f"worker {i}: {values[i]:,}" for i in order]
    lines.append(f"… {len(values) - len(order)} more workers; min {ranked[0]:,}, median {median:,}")
    return "<br>".join(lines)


def _table_name(op: Any) -> str | None:
    name = getattr(op, "table", None)
    if name:
        return str(name)
    detail = str(getattr(op, "detail", ""))
    for verb in ("reads ", "writes "):
        if detail.startswith(verb):
            return detail[len(verb):].split(",")[0].strip() or None
    return None


_WHERE = {"ddl": "declared in DDL", "caller": "as you set it", "annotation": "from an annotation",
          "lineage": "from the upstream statement"}


def _norm(name: str) -> str:
    return name.strip().strip('`"').lower()


def _short(name: str) -> str:
    """``LIVE.bronze_orders`` and ``bronze_orders`` name one table in a pipeline script."""
    return _norm(name).split(".")[-1]


def _catalog_line(name: str | None, catalog: Mapping[str, Any]) -> str:
    if not name:
        return ""
    table = catalog.get(name) or next((t for k, t in catalog.items() if _norm(k) == _norm(name)), None)
    if table is None:
        return ""
    keys = list(getattr(table, "key", ()) or ())
    where = getattr(table, "source", "") or ""
    partitions = getattr(table, "partitions", None)
    parts = [f"key ({', '.join(keys)})" if keys else "no message key"]
    if partitions:
        parts.append(f"{partitions} partitions")
    if keys and where in _WHERE:
        parts.append(_WHERE[where])
    return " · ".join(parts)


def _operator_node(index: int, op: Any, catalog: Mapping[str, Any]) -> PipelineNode:
    kind = str(op.kind)
    keys = list(op.keys)
    detail = str(op.detail or kind)
    if kind in ("source", "sink"):
        name = _table_name(op) or kind
        head = f"{kind} {name}"
        extra = _catalog_line(name, catalog)
        label = _wrap(head) + (f"<br><i>{_wrap(extra)}</i>" if extra else "")
    else:
        head = f"{kind}" + (f" ({', '.join(keys)})" if keys else "")
        label = _wrap(head)
        extra = ""
    hover = f"<b>{_esc(head)}</b><br>{_esc(detail)}" + (f"<br>{_esc(extra)}" if extra else "")
    hover += f"<br>statement #{index + 1}, operator {op.id}"
    return PipelineNode(f"s{index}:op{op.id}", "operator", kind, index, label, hover, op_id=int(op.id))


def _exchange_node(index: int, number: int, ex: Any) -> PipelineNode:
    keys = list(ex.keys)
    head = f"{ex.kind}({', '.join(keys)})" if keys else str(ex.kind)
    label = "⇄ " + _wrap(head)
    hover = (f"<b>exchange {_esc(head)}</b><br>strategy {_esc(ex.strategy)}<br>"
             f"{_wrap(ex.reason, 48)}")
    return PipelineNode(f"s{index}:ex{number}", "exchange", str(ex.kind), index, label, hover,
                        op_id=int(ex.to))


def _match_stage(stages: Sequence[Mapping[str, Any]], to: int, keys: Sequence[str],
                 used: set[int]) -> int | None:
    """The stage fed by the exchange into operator ``to`` on ``keys``; else the only stage into ``to``."""
    into = [i for i, s in enumerate(stages) if int(s.get("to", -1)) == to]
    exact = [i for i in into if [str(k).lower() for k in s_keys(stages[i])] == [k.lower() for k in keys]
             and i not in used]
    if exact:
        return exact[0]
    free = [i for i in into if i not in used]
    if len(into) == 1:
        return into[0]
    return free[0] if free else None


def s_keys(stage: Mapping[str, Any]) -> list[str]:
    return [str(k) for k in stage.get("keys", []) or []]


def _with_stage(node: PipelineNode, stage: Mapping[str, Any]) -> PipelineNode:
    loads = tuple(int(v) for v in stage.get("loads", []) or [])
    max_mean = float(stage.get("max_mean", 0.0) or 0.0)
    records = int(stage.get("records_in", sum(loads)))
    hover = (node.hover + f"<br><br><b>replayed stage</b>: {records:,} records in over {len(loads)} "
             f"workers, max/mean {max_mean:.2f}<br>{loads_hover(loads)}")
    return PipelineNode(node.id, node.role, node.kind, node.statement, node.label, hover, node.rank, node.x,
                        max_mean, loads, node.op_id)


def _layout(nodes: list[PipelineNode], edges: list[tuple[str, str]]) -> list[PipelineNode]:
    """Longest-path ranks per statement, each statement below the previous one; x by parents' mean."""
    parents: dict[str, list[str]] = {n.id: [] for n in nodes}
    for a, b in edges:
        parents[b].append(a)
    rank: dict[str, int] = {}
    base = 0
    by_statement: dict[int, list[PipelineNode]] = {}
    for n in nodes:
        by_statement.setdefault(n.statement, []).append(n)
    for index in sorted(by_statement):
        members = by_statement[index]
        ids = {n.id for n in members}
        for n in members:  # operators come in plan order (inputs first); exchanges before their target
            inner = [p for p in parents[n.id] if p in ids]
            rank[n.id] = base + (1 + max(rank[p] - base for p in inner) if inner else 0)
        base = max(rank[n.id] for n in members) + 1
    xs: dict[str, float] = {}
    rows: dict[int, list[str]] = {}
    for n in nodes:
        rows.setdefault(rank[n.id], []).append(n.id)
    for r in sorted(rows):
        row = rows[r]
        order = {nid: i for i, nid in enumerate(row)}

        def centre(nid: str, order: dict[str, int] = order) -> tuple[float, int]:
            placed = [xs[p] for p in parents[nid] if p in xs]
            return (sum(placed) / len(placed) if placed else 0.0, order[nid])

        row.sort(key=centre)
        for i, nid in enumerate(row):
            xs[nid] = i - (len(row) - 1) / 2
    return [PipelineNode(n.id, n.role, n.kind, n.statement, n.label, n.hover, rank[n.id], xs[n.id],
                         n.max_mean, n.loads, n.op_id) for n in nodes]


def pipeline_graph(analysis: Any, stages: Sequence[Mapping[str, Any]] | None = None,
                   stage_statement: int | None = None) -> PipelineGraph:
    """The graph of every statement's plan in ``analysis`` (core's AnalysisResult).

    ``stages`` (simulate's ``stages``, the replay of statement ``stage_statement``, default the
    last) colour the exchanges that feed them; a stage with no exchange colours its operator.
    """
    catalog = getattr(analysis, "catalog", {}) or {}
    statements = list(analysis.statements)
    nodes: list[PipelineNode] = []
    edges: list[tuple[str, str]] = []
    links: list[tuple[str, str]] = []
    sinks: dict[str, str] = {}  # table → sink node id of the latest statement writing it
    notes: list[str] = []
    replayed = (len(statements) - 1 if stage_statement is None or stage_statement < 0
                else stage_statement) if statements else -1
    matched = 0
    for index, st in enumerate(statements):
        plan = getattr(st, "plan", None)
        if plan is None:
            notes.append(f"statement #{index + 1} has no plan")
            continue
        stage_list = list(stages or []) if index == replayed else []
        used: set[int] = set()
        ops = {op.id: _operator_node(index, op, catalog) for op in plan.operators}
        exchanges = {(ex.from_, ex.to): (n, ex) for n, ex in enumerate(plan.exchanges)}
        ex_nodes: dict[tuple[int, int], PipelineNode] = {}
        for (a, b), (number, ex) in exchanges.items():
            node = _exchange_node(index, number, ex)
            hit = _match_stage(stage_list, int(ex.to), list(ex.keys), used)
            if hit is not None:
                used.add(hit)
                node = _with_stage(node, stage_list[hit])
                matched += 1
            ex_nodes[(a, b)] = node
        for i, stage in enumerate(stage_list):  # stages with no exchange in the plan: colour the operator
            to = int(stage.get("to", -1))
            if i not in used and to in ops:
                ops[to] = _with_stage(ops[to], stage)
                used.add(i)
                matched += 1
        for op in plan.operators:
            nodes.append(ops[op.id])
            if op.kind == "source":
                name = _table_name(op)
                upstream = sinks.get(_norm(name)) or sinks.get(_short(name)) if name else None
                if upstream:
                    links.append((upstream, ops[op.id].id))
            for src in op.inputs:
                ex_node = ex_nodes.get((src, op.id))
                if ex_node is not None:
                    nodes.insert(len(nodes) - 1, ex_node)
                    edges += [(ops[src].id, ex_node.id), (ex_node.id, ops[op.id].id)]
                else:
                    edges.append((ops[src].id, ops[op.id].id))
        for op in plan.operators:
            if op.kind == "sink" and (name := _table_name(op)):
                sinks[_norm(name)] = sinks[_short(name)] = ops[op.id].id
    laid = _layout(nodes, edges + links)
    return PipelineGraph(tuple(laid), tuple(edges), tuple(links), matched, tuple(notes))


def _plain(label: str) -> str:
    """A node label as plain text (a table cell, a title to wrap again)."""
    return html.unescape(label.replace("<br>", " ").replace("<i>", "").replace("</i>", ""))


def stage_rows(graph: PipelineGraph) -> list[dict[str, Any]]:
    """One row per replayed stage drawn in the graph (for a table beside it)."""
    rows = []
    for n in graph.nodes:
        if n.max_mean is None:
            continue
        rows.append({"stage": _plain(n.label),
                     "node": n.id, "records in": sum(n.loads), "workers": len(n.loads),
                     "max/mean": round(n.max_mean, 3), "busiest worker": max(n.loads) if n.loads else 0})
    return rows


_SYMBOLS = {"source": "circle", "sink": "square", "exchange": "diamond"}


def pipeline_figure(graph: PipelineGraph, title: str = "Pipeline: operators and exchanges") -> go.Figure:
    """Nodes as markers with labels under them, edges as arrows, skew as a colour bar."""
    # y in pixels (the axis spans the plot's height): each row is as tall as its longest label, so an
    # arrow starts below its node's label instead of crossing it.
    lines = {n.id: n.label.count("<br>") + 1 for n in graph.nodes}
    row_lines: dict[int, int] = {}
    for n in graph.nodes:
        row_lines[n.rank] = max(row_lines.get(n.rank, 1), lines[n.id])
    tops, y = {}, 0.0
    for r in sorted(row_lines):
        tops[r] = y
        y += _MARKER_PX + row_lines[r] * _LINE_PX + _GAP_PX
    total = y
    pos = {n.id: (n.x, -(tops[n.rank] + _MARKER_PX / 2)) for n in graph.nodes}
    fig = go.Figure()
    for a, b in (*graph.edges, *graph.links):
        (x0, y0), (x1, y1) = pos[a], pos[b]
        start = y0 - _MARKER_PX / 2 - lines[a] * _LINE_PX - 4
        fig.add_annotation(x=x1, y=y1 + _MARKER_PX / 2 + 2, ax=x0, ay=start, xref="x", yref="y",
                           axref="x", ayref="y",
                           showarrow=True, arrowhead=2, arrowsize=1.2, arrowwidth=1.6, text="",
                           arrowcolor="#6B7280" if (a, b) in graph.edges else "#8A5A00")
    groups = (("replayed", [n for n in graph.nodes if n.max_mean is not None]),
              ("not replayed", [n for n in graph.nodes if n.max_mean is None]))
    for name, members in groups:
        if not members:
            continue
        replayed = name == "replayed"
        marker: dict[str, Any] = {
            "size": 26, "symbol": [_SYMBOLS.get(n.kind if n.role == "operator" else "exchange", "square")
                                   for n in members],
            "line": {"width": 2, "color": "#374151"},
        }
        if replayed:
            marker.update(color=[n.max_mean for n in members], colorscale=SKEW_SCALE, cmin=SKEW_MIN,
                          cmax=max(SKEW_MAX, *(n.max_mean or 0 for n in members)), showscale=True,
                          colorbar={"title": {"text": "max/mean", "side": "top"}, "orientation": "h",
                                    "y": -0.02, "yanchor": "top", "len": 0.9, "thickness": 14})
        else:
            marker.update(color=["#FFFFFF" if n.role == "operator" else _NO_DATA for n in members])
        fig.add_trace(go.Scatter(
            x=[pos[n.id][0] for n in members], y=[pos[n.id][1] for n in members], mode="markers+text",
            name=name, text=[n.label for n in members], textposition="bottom center",
            textfont={"size": FONT_SIZE - 2}, hovertext=[n.hover for n in members],
            hovertemplate="%{hovertext}<extra></extra>", customdata=[n.id for n in members],
            marker=marker, cliponaxis=False, showlegend=False,
        ))
    width = max((abs(n.x) for n in graph.nodes), default=0.0)
    top, bottom = 60, 70
    fig.update_layout(
        title={"text": title, "font": {"size": FONT_SIZE + 3}},
        font={"size": FONT_SIZE, "family": "Inter, Helvetica, Arial, sans-serif"},
        height=int(total) + top + bottom, margin={"l": 10, "r": 10, "t": top, "b": bottom},
        template="plotly_white", dragmode="pan", hoverlabel={"font": {"size": 13}, "align": "left"},
        xaxis={"visible": False, "range": [-width - 0.75, width + 0.75]},
        yaxis={"visible": False, "range": [-total, 0], "fixedrange": False},
    )
    return title_below_toolbar(fig)


def title_below_toolbar(fig: go.Figure, toolbar_px: int = 34) -> go.Figure:
    """Put the title under plotly's toolbar (the top ~30 px, right-aligned): on a phone the two share
    the full width and would overlap. The top margin grows to keep the title clear of the plot."""
    height = float(fig.layout.height or 450)
    margin_top = max(int(fig.layout.margin.t or 0), toolbar_px + 40)
    fig.update_layout(title={"yref": "container", "y": 1 - toolbar_px / height, "yanchor": "top", "x": 0.01,
                             "xanchor": "left"}, margin={"t": margin_top})
    return fig


def stage_loads_figure(node: PipelineNode, top: int = 64) -> go.Figure:
    """Per-worker records in of one replayed stage; past ``top`` workers the heaviest ``top``."""
    loads = list(node.loads)
    order = list(range(len(loads)))
    shown = order if len(loads) <= top else sorted(order, key=lambda i: (-loads[i], i))[:top]
    clean = _plain(node.label).replace("⇄ ", "")
    title = f"Records in per worker: {clean}" + (f" (heaviest {top} of {len(loads)})" if len(loads) > top
                                                 else "")
    fig = go.Figure(go.Bar(x=[f"w{i}" for i in shown], y=[loads[i] for i in shown], marker_color="#0072B2",
                           hovertemplate="%{x}: %{y:,} records<extra></extra>"))
    if loads:
        mean = sum(loads) / len(loads)
        fig.add_hline(y=mean, line_dash="dash", line_color="#6B7280",
                      annotation_text=f"even share {mean:,.0f}",
                      annotation_position="top right", annotation_font_size=13,
                      annotation_bgcolor="rgba(255,255,255,0.85)")
    fig.update_layout(title={"text": _wrap(title, 48), "font": {"size": FONT_SIZE + 1}}, height=340,
                      font={"size": FONT_SIZE}, template="plotly_white",
                      margin={"l": 60, "r": 10, "t": 70, "b": 40},
                      yaxis={"title": "records", "tickformat": ","})
    return title_below_toolbar(fig)
