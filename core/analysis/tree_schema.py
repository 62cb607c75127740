"""A decision tree as data, and the checks that turn a TOML/JSON mapping into one.

Vocabulary (shared by the presets and user files)::

    name = "seed"              # optional for user files (defaults to the file stem)
    description = "..."        # optional
    root = "has_group_by"      # id of the first node
    [[nodes]]                  # a question node
    id = "has_group_by"
    question = "Has GROUP BY?"
    predicate = "has_group_by" # one of core.analysis.predicates.PREDICATES
    yes = "..."                # id of the next node or leaf
    no = "..."
    unknown = "..."            # optional; an unknown answer follows ``no`` when omitted
    [[nodes]]                  # a leaf
    id = "hash"
    strategy = "always_hash"   # any name or alias
    keys = "group_by"          # optional: none | group_by | plain_group_by | join | analytic | distinct
    note = "..."               # optional; shown as a warning when the leaf is reached

Every problem raises :class:`~core.errors.TreeFileError` naming the node.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.analysis.predicates import PREDICATES
from core.analysis.routing_keys import KEY_KINDS
from core.errors import TreeFileError, UnknownStrategyError
from core.strategies.names import canonical_name

__all__ = ["Question", "Leaf", "Tree", "parse_tree"]

_TOP_KEYS = {"name", "description", "root", "nodes", "correctness_first"}
_QUESTION_KEYS = {"id", "question", "predicate", "yes", "no", "unknown"}
_LEAF_KEYS = {"id", "strategy", "keys", "note"}
_HASHING = ("always_hash", "smart_repartition")


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    predicate: str
    yes: str
    no: str
    unknown: str | None = None

    def branch(self, answer: bool | None) -> str:
        """The node id an answer leads to; unknown follows ``no`` unless the node says otherwise."""
        if answer is None:
            return self.unknown or self.no
        return self.yes if answer else self.no


@dataclass(frozen=True)
class Leaf:
    id: str
    strategy: str
    keys: str = "none"
    note: str | None = None


@dataclass(frozen=True)
class Tree:
    name: str
    root: str
    nodes: Mapping[str, Question | Leaf]
    description: str = ""
    # A correctness-first tree never answers a strategy its own checks say gives wrong results:
    # selection replaces such a leaf by fan_in and says why (DESIGN.md, *Decision trees*).
    correctness_first: bool = False

    def __post_init__(self) -> None:
        _check_graph(self)


def _fail(origin: str, node: str | None, message: str) -> TreeFileError:
    where = f"node {node!r}: " if node else ""
    return TreeFileError(f"tree {origin}: {where}{message}")


def _text(
    raw: Mapping[str, Any], key: str, origin: str, node: str | None, required: bool = True
) -> str | None:
    value = raw.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _fail(origin, node, f"{key!r} must be a non-empty string, got {value!r}")
    return value.strip()


def _parse_node(raw: object, origin: str, position: int) -> Question | Leaf:
    if not isinstance(raw, Mapping):
        raise _fail(origin, f"#{position + 1}", f"a node must be a table/object, got {type(raw).__name__}")
    node_id = _text(raw, "id", origin, f"#{position + 1}") or ""
    if "strategy" in raw:
        return _parse_leaf(raw, origin, node_id)
    unknown_keys = set(raw) - _QUESTION_KEYS
    if unknown_keys:
        raise _fail(origin, node_id, f"unknown field(s) {sorted(unknown_keys)}; a question node has "
                    f"{sorted(_QUESTION_KEYS)}, a leaf has {sorted(_LEAF_KEYS)}")
    predicate = _text(raw, "predicate", origin, node_id) or ""
    if predicate not in PREDICATES:
        raise _fail(origin, node_id, f"unknown predicate {predicate!r}; expected one of {sorted(PREDICATES)}")
    return Question(
        id=node_id,
        question=_text(raw, "question", origin, node_id) or "",
        predicate=predicate,
        yes=_text(raw, "yes", origin, node_id) or "",
        no=_text(raw, "no", origin, node_id) or "",
        unknown=_text(raw, "unknown", origin, node_id, required=False),
    )


def _parse_leaf(raw: Mapping[str, Any], origin: str, node_id: str) -> Leaf:
    unknown_keys = set(raw) - _LEAF_KEYS
    if unknown_keys:
        raise _fail(origin, node_id,
                    f"unknown field(s) {sorted(unknown_keys)}; a leaf has {sorted(_LEAF_KEYS)}")
    try:
        strategy = canonical_name(_text(raw, "strategy", origin, node_id) or "")
    except UnknownStrategyError as exc:
        raise _fail(origin, node_id, str(exc)) from exc
    default_keys = "group_by" if strategy in _HASHING else "none"
    keys = _text(raw, "keys", origin, node_id, required=False) or default_keys
    if keys not in KEY_KINDS:
        raise _fail(origin, node_id, f"unknown keys {keys!r}; expected one of {sorted(KEY_KINDS)}")
    return Leaf(node_id, strategy, keys, _text(raw, "note", origin, node_id, required=False))


def _check_graph(tree: Tree) -> None:
    """Every branch names a node, the root exists, no cycles, nothing unreachable."""
    origin = tree.name
    if tree.root not in tree.nodes:
        raise _fail(origin, None, f"root {tree.root!r} is not a node id; ids are {sorted(tree.nodes)}")
    reached: set[str] = set()

    def walk(node_id: str, trail: tuple[str, ...]) -> None:
        if node_id in trail:
            raise _fail(origin, node_id, f"cycle {' -> '.join((*trail, node_id))}; a tree must end in leaves")
        reached.add(node_id)
        node = tree.nodes[node_id]
        if isinstance(node, Leaf):
            return
        for label, target in (("yes", node.yes), ("no", node.no), ("unknown", node.unknown)):
            if target is None:
                continue
            if target not in tree.nodes:
                raise _fail(origin, node_id, f"{label} branch goes to {target!r}, which is not a node id")
            walk(target, (*trail, node_id))

    walk(tree.root, ())
    unreachable = sorted(set(tree.nodes) - reached)
    if unreachable:
        raise _fail(origin, unreachable[0], "is not reachable from the root; remove it or branch to it")


def parse_tree(data: object, origin: str, default_name: str) -> Tree:
    """Build and check a :class:`Tree` from a decoded TOML/JSON document."""
    if not isinstance(data, Mapping):
        raise _fail(origin, None, f"expected a table/object at the top level, got {type(data).__name__}")
    extra = set(data) - _TOP_KEYS
    if extra:
        raise _fail(origin, None, f"unknown top-level field(s) {sorted(extra)}; expected {sorted(_TOP_KEYS)}")
    raw_nodes = data.get("nodes")
    if not isinstance(raw_nodes, list) or not raw_nodes:
        raise _fail(origin, None, "'nodes' must be a non-empty list of nodes ([[nodes]] in TOML)")
    nodes: dict[str, Question | Leaf] = {}
    for position, raw in enumerate(raw_nodes):
        node = _parse_node(raw, origin, position)
        if node.id in nodes:
            raise _fail(origin, node.id, "the id is used twice; ids must be unique")
        nodes[node.id] = node
    name = _text(data, "name", origin, None, required=False) or default_name
    root = _text(data, "root", origin, None, required=False) or next(iter(nodes))
    description = _text(data, "description", origin, None, required=False) or ""
    guard = data.get("correctness_first", False)
    if not isinstance(guard, bool):
        raise _fail(origin, None, f"'correctness_first' must be true or false, got {guard!r}")
    return Tree(name=name, root=root, nodes=nodes, description=description, correctness_first=guard)
