"""The human-readable analysis report printed by ``partition-lab analyze`` without ``--json``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from core.model.decision import Decision, StatementAnalysis
from core.model.plan import Plan
from core.model.profile import QueryProfile, TimeWindow

if TYPE_CHECKING:
    from core.decide.api import AnalysisResult

__all__ = ["format_report", "describe_profile", "describe_plan", "format_duration"]

_MARK = {"yes": "✔", "always": "✔"}
_WHO = {"tree": "the tree", "caller": "the caller", "annotation": "an annotation", "with": "a WITH property"}
_UNITS = (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000))


def format_duration(ms: int | None) -> str:
    """Milliseconds in the largest exact unit.

    >>> format_duration(90_000)
    '90s'
    """
    if ms is None:
        return "?"
    for unit, size in _UNITS:
        if ms and ms % size == 0:
            return f"{ms // size}{unit}"
    return f"{ms}ms"


def _window(w: TimeWindow) -> str:
    parts = [f"{w.kind} window"]
    if w.size_ms is not None:
        parts.append(f"of {format_duration(w.size_ms)}")
    if w.advance_ms is not None:
        parts.append(f"advancing {format_duration(w.advance_ms)}")
    if w.gap_ms is not None:
        parts.append(f"with a {format_duration(w.gap_ms)} gap")
    if w.time_column:
        parts.append(f"on {w.time_column}")
    return " ".join(parts)


def describe_profile(p: QueryProfile) -> list[str]:
    """The statement in plain words, one fact per line."""
    kind = {"select": "SELECT", "create_stream": "CREATE STREAM … AS SELECT",
            "create_table": "CREATE TABLE … AS SELECT", "create_view": "CREATE VIEW … AS SELECT",
            "insert": "SELECT/INSERT INTO"}[p.kind]
    lines = [f"{kind} reading {', '.join(p.sources) or 'no source'}"
             + (f", writing {p.sink or p.name}" if (p.sink or (p.name and p.kind != "select")) else "")]
    if p.joins:
        for j in p.joins:
            on = f"on {', '.join(f'{a} = {b}' for a, b in j.keys)}" if j.keys else "without an equi-join key"
            lines.append(f"joins {j.left} with {j.right} {on}")
    lines.append(f"groups by {', '.join(p.group_by)}" if p.group_by else "no GROUP BY")
    if p.window:
        lines.append(_window(p.window))
    for a in p.analytic:
        scope = f"partitioned by {', '.join(a.partition_by)}" if a.partition_by else "over the whole stream"
        lines.append(f"OVER window {a.function} {scope}")
    if p.aggregates:
        lines.append(("global aggregate: " if p.global_aggregate else "aggregates: ")
                     + ", ".join(a.sql for a in p.aggregates))
    if p.distinct:
        over = f" over {', '.join(p.distinct_columns)}" if p.distinct_columns else ""
        lines.append(f"SELECT DISTINCT{over}")
    if p.order_by:
        lines.append(f"orders by {', '.join(p.order_by)}")
    if p.limit is not None:
        lines.append(f"LIMIT {p.limit}")
    if p.emit:
        lines.append(f"EMIT {p.emit.upper()}")
    if p.primary_key:
        lines.append(f"output keyed by PRIMARY KEY {', '.join(p.primary_key)}")
    lines.extend(f"annotation @{k}: {v}" for k, v in p.annotations.items())
    return lines


def _others(tree: str, chosen: Decision, presets: Mapping[str, Decision]) -> str | None:
    picks = {name: d for name, d in presets.items() if name != tree}
    if all(d.strategy == chosen.strategy for d in picks.values()):
        return None
    return "Other presets: " + "; ".join(
        f"{name} → {d.strategy}" + (f" ({', '.join(d.routing_keys)})" if d.routing_keys else "")
        for name, d in picks.items()
    )


def _statement(s: StatementAnalysis, tree: str, presets: Mapping[str, Decision] | None) -> list[str]:
    p, d = s.profile, s.decision
    title = f"Statement {p.index + 1}" + (f" ({p.name})" if p.name else "") + f", line {p.line}"
    out = [title, *(f"  {line}" for line in describe_profile(p)), f"  Path ({d.tree} tree):"]
    for step in d.path:
        mark = _MARK.get(step.answer, "✘")
        out.append(f"    {mark} {step.node}: {step.question} {step.answer} — {step.reason}")
    out.append(f"  Strategy: {d.strategy} (decided by {_WHO[d.decided_by]})")
    out.append(f"  Routing keys: {', '.join(d.routing_keys) if d.routing_keys else '(none)'}")
    if d.aligned is not None or p.group_by:
        aligned = {True: "yes", False: "no", None: "unknown (no source key declared)"}[d.aligned]
        out.append(f"  Source aligned: {aligned}")
    if d.warnings:
        out.append("  Warnings:")
        out.extend(f"    - {w}" for w in d.warnings)
    other = _others(tree, d, presets) if presets else None
    if other:
        out.append(f"  {other}")
    if s.plan is not None:
        out.extend(f"  {line}" for line in describe_plan(s.plan))
    return out


def describe_plan(plan: Plan) -> list[str]:
    """The operators in plan order, each input edge marked with its exchange (or chained)."""
    ops = plan.operators
    edges = {(e.from_, e.to): e for e in plan.exchanges}
    lines = [f"Plan ({plan.engine} engine): {len(plan.exchanges)} exchange"
             + ("" if len(plan.exchanges) == 1 else "s")]
    for op in ops:
        feeds = []
        for i in op.inputs:
            e = edges.get((i, op.id))
            via = (f"{e.kind}({', '.join(e.keys)}) as {e.strategy}" if e.kind == "hash"
                   else f"{e.kind} as {e.strategy}") if e else "forward"
            feeds.append(f"#{i} --{via}-->")
        lead = " ".join(feeds)
        lines.append(f"  #{op.id} {lead + ' ' if lead else ''}{op.kind}: {op.detail}")
    return lines


def format_report(result: AnalysisResult) -> str:
    """A readable text report: per statement its profile, path (✔/✘), strategy, keys and warnings."""
    blocks: list[str] = []
    for i, statement in enumerate(result.statements):
        presets = result.presets[i] if i < len(result.presets) else None
        blocks.append("\n".join(_statement(statement, result.tree, presets)))
    return "\n\n".join(blocks) + "\n"
