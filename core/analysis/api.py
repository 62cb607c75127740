"""The analyzer's public entry point: SQL text in, one decision per statement out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from core.analysis.alignment import parse_source_key, source_metadata
from core.analysis.correctness import broken_needs
from core.analysis.decision import Decision, SourceMeta, StatementAnalysis
from core.analysis.profile import QueryProfile
from core.analysis.report import format_report
from core.analysis.selection import decide
from core.analysis.trees import PRESETS, Tree, evaluate, load_tree, preset
from core.errors import InvalidConfigError, SqlSyntaxError
from core.limits import MAX_PARTITIONS
from core.strategies.names import canonical_name

__all__ = ["AnalysisResult", "analyze", "analyze_profiles", "compare_presets", "format_report"]


@dataclass(frozen=True)
class AnalysisResult:
    """Every statement's profile and decision, plus what each preset tree would pick."""

    statements: tuple[StatementAnalysis, ...]
    tree: str = "extended"
    sources: tuple[Mapping[str, SourceMeta], ...] = ()
    presets: tuple[Mapping[str, Decision], ...] = field(default=())

    def to_dict(self) -> dict[str, object]:
        """The ``partition-lab analyze --json`` object: ``{"statements": [...]}``."""
        return {"statements": [s.to_dict() for s in self.statements]}


def compare_presets(
    profile: QueryProfile, sources: Mapping[str, SourceMeta] | None = None
) -> dict[str, Decision]:
    """What each shipped tree picks for one statement (tree only: no overrides)."""
    return {name: evaluate(preset(name), profile, sources or {}) for name in PRESETS}


def _disagreement(
    tree: Tree, decision: Decision, seed: Decision, profile: QueryProfile, sources: Mapping[str, SourceMeta]
) -> str | None:
    """Where the chosen tree and the seed design's tree differ, say so and why (wrong results first)."""
    if tree.name == "seed" or decision.decided_by != "tree" or decision.strategy == seed.strategy:
        return None
    broken = broken_needs(profile, seed.strategy, seed.routing_keys, sources)
    if broken:
        need, why = broken[0]
        because = f"wrong here because {why}, so {need.outcome}"
    else:
        last = seed.path[-1]
        because = f"the seed tree stops at {last.node}: {last.answer}, {last.reason}"
    return (f"the seed design picks {seed.strategy} where the {tree.name} tree picks "
            f"{decision.strategy}: {because}")


def _check_options(
    source_keys: Sequence[str], source_partitions: int | None, strategy: str | None
) -> list[SourceMeta]:
    if isinstance(source_keys, str):
        source_keys = (source_keys,)  # one key spec passed bare: never iterate its characters
    caller = [parse_source_key(text) for text in source_keys]
    if source_partitions is not None and (
        isinstance(source_partitions, bool)
        or not isinstance(source_partitions, int)
        or not 1 <= source_partitions <= MAX_PARTITIONS
    ):
        raise InvalidConfigError(
            f"source partitions must be an integer in 1..{MAX_PARTITIONS:,}, got {source_partitions!r}"
        )
    if strategy is not None:
        canonical_name(strategy)  # fail before parsing: the message lists the valid names
    return caller


def analyze_profiles(
    profiles: Sequence[QueryProfile],
    *,
    tree: str | Path | Tree = "extended",
    source_keys: Sequence[str] = (),
    source_partitions: int | None = None,
    strategy: str | None = None,
    auto_select: bool = True,
) -> AnalysisResult:
    """:func:`analyze` for statements already profiled (hand-built or from another front end)."""
    chosen = load_tree(tree)
    caller = _check_options(source_keys, source_partitions, strategy)
    metas = source_metadata(profiles, caller, source_partitions)
    statements: list[StatementAnalysis] = []
    presets: list[Mapping[str, Decision]] = []
    for profile, sources in zip(profiles, metas, strict=True):
        decision = decide(profile, chosen, sources, strategy=strategy, auto_select=auto_select)
        others = compare_presets(profile, sources)
        note = _disagreement(chosen, decision, others["seed"], profile, sources)
        if note:
            decision = replace(decision, warnings=(*decision.warnings, note))
        statements.append(StatementAnalysis(profile, decision))
        presets.append(others)
    return AnalysisResult(tuple(statements), chosen.name, tuple(metas), tuple(presets))


def analyze(
    sql: str,
    *,
    dialect: str = "velostream",
    tree: str | Path | Tree = "extended",
    source_keys: Sequence[str] = (),
    source_partitions: int | None = None,
    strategy: str | None = None,
    auto_select: bool = True,
) -> AnalysisResult:
    """Profile every statement of ``sql`` and decide how to partition it.

    Raises :class:`~core.errors.SqlSyntaxError` for unreadable or empty SQL, and the other
    :class:`~core.errors.PartitionLabError` subclasses for bad options (checked before parsing).
    """
    # Late import: the decision layer stays usable (and cheap to import) without the SQL front end.
    from core.analysis.extract import extract_profiles

    chosen = load_tree(tree)  # options fail before parsing, so their errors are not hidden by SQL ones
    _check_options(source_keys, source_partitions, strategy)
    profiles = extract_profiles(sql, dialect)
    if not profiles:
        raise SqlSyntaxError("no SQL statement found: the input is empty or holds only comments", 1, 1)
    return analyze_profiles(profiles, tree=chosen, source_keys=source_keys,
                            source_partitions=source_partitions, strategy=strategy, auto_select=auto_select)
