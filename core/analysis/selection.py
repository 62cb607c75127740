"""One statement's final decision: overrides over the tree, then validation and correctness warnings.

Precedence (DESIGN.md): caller ``strategy=`` > ``-- @partitioning_strategy`` annotation >
``WITH ('partitioning_strategy' = ...)`` > the tree (when auto-select is on).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from core.analysis.correctness import broken_needs, correctness_warnings
from core.analysis.decision import DecidedBy, Decision, PathStep, SourceMeta
from core.analysis.predicates import Facts
from core.analysis.profile import QueryProfile
from core.analysis.routing_keys import natural_keys
from core.analysis.trees import Tree, evaluate
from core.errors import InvalidConfigError, UnknownStrategyError
from core.strategies.names import ENGINE_SPELLINGS, canonical_name
from core.strategies.validation import validate

__all__ = ["Named", "named_strategies", "engine_spelling_warnings", "decide"]

_KEY = "partitioning_strategy"
_HASHING = ("always_hash", "smart_repartition")
_ENGINE_WORD = {name: word for word, name in ENGINE_SPELLINGS.items()}
_WHO = {
    "caller": "the caller",
    "annotation": "-- @partitioning_strategy",
    "with": "WITH ('partitioning_strategy')",
}


@dataclass(frozen=True)
class Named:
    """A strategy named outside the tree: who named it, as written."""

    by: DecidedBy
    written: str
    key: str = _KEY


def _lookup(mapping: Mapping[str, str]) -> tuple[str, str] | None:
    for key, value in mapping.items():
        if key.strip().strip("'\"`").lower() == _KEY:
            return key, value.strip().strip("'\"")
    return None


def named_strategies(profile: QueryProfile, caller: str | None) -> list[Named]:
    """Every strategy named for this statement, highest precedence first."""
    found: list[Named] = []
    if caller is not None:
        found.append(Named("caller", caller))
    annotation = _lookup(profile.annotations)
    if annotation:
        found.append(Named("annotation", annotation[1], annotation[0]))
    prop = _lookup(profile.with_properties)
    if prop:
        found.append(Named("with", prop[1], prop[0]))
    return found


def engine_spelling_warnings(profile: QueryProfile) -> tuple[str, ...]:
    """Say when the Velostream engine itself would ignore this statement's strategy annotation."""
    annotation = _lookup(profile.annotations)
    if annotation is None:
        return ()
    key, value = annotation
    warnings: list[str] = []
    if key != _KEY:
        warnings.append(f"the Velostream engine reads annotation keys case-sensitively and would ignore "
                        f"@{key}; write @{_KEY}")
    if value not in ENGINE_SPELLINGS:
        try:
            word = _ENGINE_WORD[canonical_name(value)]
        except UnknownStrategyError:
            return tuple(warnings)
        warnings.append(f"the Velostream engine honours only sticky | hash | smart | roundrobin | fanin "
                        f"(case-sensitive) and would ignore {value!r}; write {word!r}")
    return tuple(warnings)


def _resolve(named: list[Named], profile: QueryProfile) -> tuple[Named, str, list[str]]:
    """The winning name (canonical) plus warnings about unusable lower-precedence names."""
    winner, name = named[0], _canonical(named[0], profile)
    notes = []
    for other in named[1:]:
        try:
            canonical_name(other.written)
        except UnknownStrategyError:
            notes.append(f"{_WHO[other.by]} names unknown strategy {other.written!r}; ignored because "
                         f"{_WHO[winner.by]} takes precedence")
    return winner, name, notes


def _canonical(named: Named, profile: QueryProfile) -> str:
    try:
        return canonical_name(named.written)
    except UnknownStrategyError as exc:
        if named.by == "caller":
            raise
        where = f"line {profile.annotation_lines.get(named.key, profile.line)}" if named.by == "annotation" \
            else f"statement {profile.index + 1} (line {profile.line})"
        raise UnknownStrategyError(f"{where}: {_WHO[named.by]}: {exc}") from exc


def decide(
    profile: QueryProfile,
    tree: Tree,
    sources: Mapping[str, SourceMeta] | None = None,
    *,
    strategy: str | None = None,
    auto_select: bool = True,
    facts: Facts | None = None,
) -> Decision:
    """The statement's decision with overrides applied and every warning attached.

    ``facts`` carries the plan's view (stateful operators, shared keys) to the tree.
    """
    sources = dict(sources or {})
    named = named_strategies(profile, strategy)
    base = evaluate(tree, profile, sources, facts) if auto_select else None
    if base is not None and tree.correctness_first:
        base = _guard(profile, base, sources)
    warnings: list[str] = list(engine_spelling_warnings(profile))
    if named:
        winner, name, notes = _resolve(named, profile)
        warnings.extend(notes)
        decision = _override(profile, tree, sources, base, winner, name)
        warnings.extend(f"{_WHO[winner.by]} forces {name}, which it refuses: {why}"
                        for why in validate(name, profile, decision.routing_keys))
    elif base is not None:
        decision = base
        warnings.extend(validate(decision.strategy, profile, decision.routing_keys))
        warnings.extend(decision.warnings)
    else:
        raise InvalidConfigError(
            f"statement {profile.index + 1} (line {profile.line}): auto-select is off and no strategy is "
            "named; pass --strategy NAME, add -- @partitioning_strategy: NAME or "
            "WITH ('partitioning_strategy' = 'NAME'), or turn auto-select back on"
        )
    warnings.extend(correctness_warnings(profile, decision.strategy, decision.routing_keys, sources))
    # An engine fact, not a tree branch: only worth saying when comparing against the engine.
    if tree.name == "velostream" and profile.joins:
        warnings.append("in the Velostream engine today stream-stream joins bypass the partitioning "
                        "strategies entirely")
    return replace(decision, warnings=tuple(dict.fromkeys(warnings)), tree=tree.name)


def _guard(profile: QueryProfile, decision: Decision, sources: Mapping[str, SourceMeta]) -> Decision:
    """A correctness-first tree never headlines a wrong answer: a flagged leaf becomes fan_in."""
    broken = broken_needs(profile, decision.strategy, decision.routing_keys, sources)
    if not broken:
        return decision
    need, why = broken[0]
    step = PathStep("correctness_guard", "Does the tree's pick keep every clause correct?", "no",
                    f"{decision.strategy} would break {need.clause}: {why}; fan_in keeps one place "
                    "for every record")
    note = (f"fan_in instead of {decision.strategy}: {decision.strategy} would give wrong results here "
            f"({need.clause}: {need.outcome})")
    return replace(decision, strategy="fan_in", routing_keys=(), path=(*decision.path, step),
                   warnings=(*decision.warnings, note))


def _override(
    profile: QueryProfile,
    tree: Tree,
    sources: Mapping[str, SourceMeta],
    base: Decision | None,
    winner: Named,
    name: str,
) -> Decision:
    keys: tuple[str, ...] = ()
    if name in _HASHING:
        keys = base.routing_keys if base and base.strategy in _HASHING and base.routing_keys \
            else natural_keys(profile)
    tree_says = f"; the {tree.name} tree picks {base.strategy}" if base else "; auto-select is off"
    step = PathStep("override", "Is a strategy named by the caller, an annotation or a WITH property?",
                    "yes", f"{_WHO[winner.by]} names {winner.written!r} = {name}{tree_says}")
    path = (*base.path, step) if base else (step,)
    if base is not None:
        aligned = base.aligned
    else:
        aligned = evaluate(tree, profile, sources).aligned if profile.group_by else None
    return Decision(name, keys, winner.by, path, (), aligned, tree.name)
