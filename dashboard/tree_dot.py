"""DOT source of a decision tree with the taken path highlighted (pure; no Streamlit).

Question nodes on the path get a warm fill and a thick pen, and their label carries the answer and
the one-line reason; the taken edges are thick too; the reached leaf is filled with its strategy's
colour. Every node's tooltip holds its reason (or what it asks, off the path).
"""

from __future__ import annotations

import textwrap
from typing import Any

from dashboard.colors import PATH_FILL, PATH_PEN, strategy_color, tint

__all__ = ["decision_dot", "taken_path", "dot_quote", "HIGHLIGHT_PEN"]

HIGHLIGHT_PEN = 3
_IDLE_PEN = "#9CA3AF"


def dot_quote(text: str) -> str:
    """A DOT double-quoted string; user text can neither close it nor inject escapes."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "")
    return '"' + escaped.replace("\n", "\\n") + '"'


def _wrap(text: str, width: int = 24) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _is_leaf(node: Any) -> bool:
    return hasattr(node, "strategy")


def taken_path(tree: Any, decision: Any) -> tuple[dict[str, Any], list[tuple[str, str]], str | None]:
    """(steps by node id, taken edges (from, to), reached leaf id) for ``decision`` on ``tree``."""
    steps = {step.node: step for step in decision.path if step.node in tree.nodes}
    edges: list[tuple[str, str]] = []
    leaf: str | None = None
    for step in decision.path:
        node = tree.nodes.get(step.node)
        if node is None:
            continue
        if _is_leaf(node):
            leaf = node.id
            continue
        target = {"yes": node.yes, "no": node.no}.get(step.answer, node.unknown or node.no)
        edges.append((node.id, target))
        if target in tree.nodes and _is_leaf(tree.nodes[target]):
            leaf = target
    return steps, edges, leaf


def _question_line(node_id: str, node: Any, step: Any | None) -> str:
    if step is None:
        label = _wrap(node.question)
        return (
            f"  {dot_quote(node_id)} [label={dot_quote(label)}, tooltip={dot_quote(node.question)}, "
            f'fillcolor="#F9FAFB", color="{_IDLE_PEN}", fontcolor="#4B5563"];'
        )
    # The label stays short so the tree keeps a readable scale; the reason is the tooltip and is
    # listed under the tree.
    label = f"{_wrap(node.question)}\n→ {step.answer}"
    return (
        f"  {dot_quote(node_id)} [label={dot_quote(label)}, tooltip={dot_quote(step.reason)}, "
        f'fillcolor="{PATH_FILL}", color="{PATH_PEN}", penwidth={HIGHLIGHT_PEN}, fontcolor="#1F2937"];'
    )


def _leaf_line(node_id: str, node: Any, reached: bool, chosen: str) -> str:
    color = strategy_color(node.strategy)
    tooltip = node.note or f"pick {node.strategy}"
    if reached:
        label = node.strategy if node.strategy == chosen else f"{node.strategy}\n(overridden: {chosen})"
        return (
            f"  {dot_quote(node_id)} [label={dot_quote(label)}, tooltip={dot_quote(tooltip)}, "
            f'shape=box, style="rounded,filled,bold", fillcolor="{tint(color, 0.55)}", '
            f'color="{color}", penwidth={HIGHLIGHT_PEN + 1}, fontcolor="#111827"];'
        )
    return (
        f"  {dot_quote(node_id)} [label={dot_quote(node.strategy)}, tooltip={dot_quote(tooltip)}, "
        f'shape=box, style="rounded,filled", fillcolor="{tint(color, 0.88)}", color="{tint(color, 0.4)}", '
        f'fontcolor="#4B5563"];'
    )


def decision_dot(tree: Any, decision: Any) -> str:
    """DOT for ``tree`` (core.decide.trees.Tree) with ``decision``'s path highlighted."""
    steps, taken, leaf = taken_path(tree, decision)
    taken_set = set(taken)
    lines = [
        "digraph decision {",
        '  graph [rankdir=TB, bgcolor="transparent", nodesep=0.25, ranksep=0.4, fontname="Helvetica"];',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=16, margin="0.15,0.08"];',
        '  edge [fontname="Helvetica", fontsize=14, arrowsize=0.8];',
    ]
    for node_id, node in tree.nodes.items():
        if _is_leaf(node):
            lines.append(_leaf_line(node_id, node, node_id == leaf, decision.strategy))
        else:
            lines.append(_question_line(node_id, node, steps.get(node_id)))
    for node_id, node in tree.nodes.items():
        if _is_leaf(node):
            continue
        branches = [("yes", node.yes), ("no", node.no)]
        if node.unknown and node.unknown != node.no:
            branches.append(("unknown", node.unknown))
        elif node.unknown:
            branches = [("yes", node.yes), ("no / unknown", node.no)]
        for label, target in branches:
            if (node_id, target) in taken_set:
                style = f'color="{PATH_PEN}", fontcolor="{PATH_PEN}", penwidth={HIGHLIGHT_PEN}'
            else:
                style = f'color="{_IDLE_PEN}", fontcolor="#6B7280"'
            lines.append(
                f"  {dot_quote(node_id)} -> {dot_quote(target)} [label={dot_quote(label)}, {style}];"
            )
    lines.append("}")
    return "\n".join(lines)
