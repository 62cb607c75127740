"""Read the exchanges out of the text ``TableEnvironment.explain_sql`` prints.

Only the ``== Optimized Physical Plan ==`` section is read. Its nodes are one per line, indented in
steps of three characters (``+- `` / ``:- `` / ``:  ``); an ``Exchange(distribution=[...])`` node
feeds the node one level above it. Hash keys are the producer's output field names, so when the node
under the exchange is a ``Calc`` that defines a key (``UPPER(region) AS r``) the expression is kept too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["FlinkExchange", "PlanNode", "parse_plan", "optimized_section", "exchanges_of"]

_DISTRIBUTION = re.compile(r"distribution=\[(?P<kind>[a-z_]+)(?:\[(?P<keys>[^\]]*)\])?\]")


@dataclass(frozen=True)
class PlanNode:
    """One line of the plan: its depth (0 = root), operator name and raw argument text."""

    depth: int
    name: str
    args: str
    parent: int | None  # index of the parent node in the parsed list


@dataclass(frozen=True)
class FlinkExchange:
    """An exchange in Flink's plan: ``kind`` as Flink names it, keys, and the operator it feeds."""

    kind: str  # hash | single | broadcast | any | range | ... (Flink's word)
    keys: tuple[str, ...]
    feeds: str  # the consuming operator (GroupAggregate, Join, Rank, ...)
    producer: str  # the node under the exchange (Calc, TableSourceScan, ...)
    key_expressions: tuple[str, ...] = ()  # per key: the Calc expression defining it, or the key itself

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"kind": self.kind, "keys": list(self.keys), "feeds": self.feeds,
                                  "producer": self.producer}
        if self.key_expressions and self.key_expressions != self.keys:
            out["key_expressions"] = list(self.key_expressions)
        return out


def optimized_section(explain: str) -> str:
    """The ``Optimized Physical Plan`` section of an explain output ('' when absent)."""
    match = re.search(r"== Optimized Physical Plan ==\n(?P<body>.*?)(?:\n== |\Z)", explain, re.S)
    return match.group("body").strip("\n") if match else ""


def _depth(line: str) -> int:
    # Each level adds exactly three characters of prefix before the node name.
    stripped = len(line) - len(line.lstrip(" :|+-"))
    return stripped // 3


def parse_plan(section: str) -> list[PlanNode]:
    """The nodes of a plan section in print order, each with its parent's index."""
    nodes: list[PlanNode] = []
    stack: list[int] = []  # index of the last node seen at each depth
    for line in section.splitlines():
        body = line.lstrip(" :|+-")
        match = re.match(r"(?P<name>[A-Za-z][A-Za-z0-9]*)\((?P<args>.*)\)\s*$", body)
        if not match:
            continue
        depth = _depth(line)
        del stack[depth:]
        parent = stack[-1] if stack else None
        nodes.append(PlanNode(depth, match.group("name"), match.group("args"), parent))
        stack.append(len(nodes) - 1)
    return nodes


def split_top_level(text: str) -> list[str]:
    """Split on commas outside brackets and parentheses (``a, f(b, c)`` → ``['a', 'f(b, c)']``)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    tail = text[start:].strip()
    if tail:
        parts.append(tail)
    return parts


def _calc_definitions(node: PlanNode) -> dict[str, str]:
    """``name -> expression`` for each ``expr AS name`` in a Calc's select list."""
    match = re.search(r"select=\[(?P<sel>.*?)\](?:, where=|\s*$)", node.args)
    if not match:
        return {}
    defs: dict[str, str] = {}
    for item in split_top_level(match.group("sel")):
        expr, sep, name = item.rpartition(" AS ")
        if sep:
            defs[name.strip()] = expr.strip()
    return defs


def exchanges_of(explain: str) -> list[FlinkExchange]:
    """Every exchange of the optimized physical plan, root first (the order Flink prints them)."""
    nodes = parse_plan(optimized_section(explain))
    children: dict[int, list[int]] = {}
    for i, n in enumerate(nodes):
        if n.parent is not None:
            children.setdefault(n.parent, []).append(i)
    out: list[FlinkExchange] = []
    for i, node in enumerate(nodes):
        if node.name != "Exchange":
            continue
        match = _DISTRIBUTION.search(node.args)
        kind = match.group("kind") if match else "unknown"
        raw = match.group("keys") if match and match.group("keys") is not None else ""
        keys = tuple(k.strip() for k in split_top_level(raw))
        feeds = nodes[node.parent].name if node.parent is not None else "(root)"
        kids = children.get(i, [])
        producer = nodes[kids[0]] if kids else None
        defs = _calc_definitions(producer) if producer is not None and producer.name == "Calc" else {}
        exprs = tuple(defs.get(k, k) for k in keys)
        out.append(FlinkExchange(kind, keys, feeds, producer.name if producer else "", exprs))
    return out
