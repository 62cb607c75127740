"""Decision trees: the shipped presets, user tree files and evaluating a tree on one statement.

The presets live as data in ``trees/{seed,extended,velostream}.toml``; the node vocabulary is in
:mod:`core.analysis.tree_schema`. Evaluation only follows branches: overrides, validation and
correctness warnings are added by :mod:`core.analysis.selection`.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from importlib import resources
from pathlib import Path

from core.analysis.decision import Decision, PathStep, SourceMeta
from core.analysis.predicates import ALIGNMENT_PREDICATES, PREDICATES, Facts
from core.analysis.profile import QueryProfile
from core.analysis.routing_keys import keys_for
from core.analysis.tree_schema import Leaf, Question, Tree, parse_tree
from core.errors import TreeFileError

__all__ = ["PRESETS", "Tree", "load_tree", "load_tree_text", "preset", "evaluate", "ANSWER_WORDS"]

PRESETS: tuple[str, ...] = ("seed", "extended", "velostream")

ANSWER_WORDS = {True: "yes", False: "no", None: "unknown"}


@cache
def preset(name: str) -> Tree:
    """A shipped tree by name (``seed``, ``extended``, ``velostream``)."""
    if name not in PRESETS:
        raise TreeFileError(f"unknown tree {name!r}; expected one of {', '.join(PRESETS)} "
                            "or a .toml/.json file")
    text = resources.files("core.analysis").joinpath("trees", f"{name}.toml").read_text(encoding="utf-8")
    return parse_tree(tomllib.loads(text), f"{name}.toml", name)


def _read_file(path: Path) -> Tree:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TreeFileError(f"cannot read tree file {path}: {exc}") from exc
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        kind = "JSON" if path.suffix.lower() == ".json" else "TOML"
        raise TreeFileError(f"tree file {path} is not valid {kind}: {exc}") from exc
    try:
        return parse_tree(data, str(path), path.stem)
    except TreeFileError as exc:
        raise TreeFileError(f"{path}: {exc}") from exc


def load_tree_text(text: str, fmt: str = "toml", name: str = "uploaded") -> Tree:
    """A user tree from its text in memory (``fmt`` ``toml`` or ``json``): nothing touches the disk.

    ``name`` names the tree when the text has no ``name`` of its own (as a file's stem would).
    """
    kind = fmt.strip().lower().lstrip(".")
    if kind not in ("toml", "json"):
        raise TreeFileError(f"tree format {fmt!r} is not supported; give toml or json")
    try:
        text = text.removeprefix("\ufeff")
        data = json.loads(text) if kind == "json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError, RecursionError) as exc:
        reason = "it nests too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise TreeFileError(f"tree {name!r} is not valid {kind.upper()}: {reason}") from None
    return parse_tree(data, f"{name}.{kind}", name)


def load_tree(tree: str | Path | Tree) -> Tree:
    """A preset by name, a user tree from a TOML or JSON file, or a :class:`Tree` as is."""
    if isinstance(tree, Tree):
        return tree
    if isinstance(tree, str) and tree.strip().lower() in PRESETS:
        return preset(tree.strip().lower())
    path = Path(tree)
    if not path.is_file():
        raise TreeFileError(
            f"unknown tree {str(tree)!r}: not a preset ({', '.join(PRESETS)}) and no such file; "
            "pass a preset name or the path of a .toml/.json tree"
        )
    return _read_file(path)


def evaluate(
    tree: Tree,
    profile: QueryProfile,
    sources: Mapping[str, SourceMeta] | None = None,
    facts: Facts | None = None,
) -> Decision:
    """Follow ``tree`` from its root for one statement; the leaf gives strategy and routing keys.

    ``facts`` carries what the plan knows (stateful operators, shared keys); without it the tree
    sees the profile and the sources only.
    """
    facts = replace(facts, profile=profile, sources=dict(sources or {})) if facts is not None \
        else Facts(profile, dict(sources or {}))
    path: list[PathStep] = []
    aligned: bool | None = None
    asked_alignment = False
    node = tree.nodes[tree.root]
    while isinstance(node, Question):
        answer = PREDICATES[node.predicate](facts)
        path.append(PathStep(node.id, node.question, ANSWER_WORDS[answer.value], answer.reason))
        if node.predicate in ALIGNMENT_PREDICATES and not asked_alignment:
            aligned, asked_alignment = answer.value, True
        node = tree.nodes[node.branch(answer.value)]
    leaf: Leaf = node
    if not path:
        # A tree that is a single leaf still explains itself: the path is never empty.
        path.append(PathStep(leaf.id, "Which strategy does this tree always pick?", "always",
                             f"the tree {tree.name!r} is a single leaf: {leaf.strategy}"))
    return Decision(
        strategy=leaf.strategy,
        routing_keys=(facts.shared_keys or ()) if leaf.keys == "shared" else keys_for(leaf.keys, profile),
        decided_by="tree",
        path=tuple(path),
        warnings=(leaf.note,) if leaf.note else (),
        aligned=aligned if asked_alignment else _group_alignment(facts),
        tree=tree.name,
    )


def _group_alignment(facts: Facts) -> bool | None:
    """A GROUP BY statement reports its alignment even when the tree never asked (velostream)."""
    if not facts.profile.group_by:
        return None
    return PREDICATES["group_by_aligned"](facts).value
