"""The analyzer's public entry point: SQL text in, one decision per statement out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from core.decide.alignment import parse_source_key, source_metadata
from core.decide.correctness import broken_needs
from core.decide.predicates import Facts
from core.decide.selection import decide
from core.decide.text_report import format_report
from core.decide.trees import PRESETS, Tree, evaluate, load_tree, preset
from core.errors import InvalidConfigError, SqlSyntaxError
from core.limits import MAX_PARTITIONS
from core.model.catalog import TableDef
from core.model.decision import Decision, SourceMeta, StatementAnalysis
from core.model.profile import QueryProfile
from core.strategies.names import canonical_name

if TYPE_CHECKING:
    from core.plan.builder import PlannedStatement

__all__ = ["AnalysisResult", "analyze", "analyze_profiles", "compare_presets", "format_report"]


@dataclass(frozen=True)
class AnalysisResult:
    """Every statement's profile, plan and decision, the script's catalog and settings, and what
    each preset tree would pick."""

    statements: tuple[StatementAnalysis, ...]
    tree: str = "extended"
    sources: tuple[Mapping[str, SourceMeta], ...] = ()
    presets: tuple[Mapping[str, Decision], ...] = field(default=())
    settings: Mapping[str, str] = field(default_factory=dict)
    catalog: Mapping[str, TableDef] = field(default_factory=dict)
    engine: str = "partition-lab"
    skipped: tuple[object, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """The ``partition-lab analyze --json`` object (DESIGN.md's analyze contract)."""
        return {
            "settings": dict(self.settings),
            "catalog": {t.name: t.to_dict() for t in self.catalog.values()},
            "statements": [s.to_dict() for s in self.statements],
        }


def compare_presets(
    profile: QueryProfile, sources: Mapping[str, SourceMeta] | None = None, facts: Facts | None = None
) -> dict[str, Decision]:
    """What each shipped tree picks for one statement (tree only: no overrides)."""
    return {name: evaluate(preset(name), profile, sources or {}, facts) for name in PRESETS}


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
    planned: Sequence[PlannedStatement | None] | None = None,
    tables: Sequence[TableDef] = (),
    settings: Mapping[str, str] | None = None,
    engine: str = "partition-lab",
    skipped: Sequence[object] = (),
) -> AnalysisResult:
    """:func:`analyze` for statements already profiled (hand-built or from another front end);
    ``planned`` gives each statement's plan (None: decide from the profile alone)."""
    chosen = load_tree(tree)
    caller = _check_options(source_keys, source_partitions, strategy)
    metas, catalog = _sources(profiles, tables, caller, source_partitions)
    return _decide_all(profiles, chosen, caller, metas, catalog, planned, strategy=strategy,
                       auto_select=auto_select, settings=settings, engine=engine, skipped=skipped)


def _sources(
    profiles: Sequence[QueryProfile], tables: Sequence[TableDef], caller: Sequence[SourceMeta],
    partitions: int | None,
) -> tuple[list[dict[str, SourceMeta]], dict[str, TableDef]]:
    """Each statement's source metadata and the script's catalog (caller > annotation > DDL > lineage)."""
    from core.plan.catalog import build_catalog, ddl_metas

    metas = source_metadata(profiles, caller, partitions, ddl_metas(tables))
    return metas, build_catalog(tables, profiles, metas)


def _decide_all(
    profiles: Sequence[QueryProfile],
    chosen: Tree,
    caller: Sequence[SourceMeta],
    metas: Sequence[Mapping[str, SourceMeta]],
    catalog: Mapping[str, TableDef],
    planned: Sequence[PlannedStatement | None] | None,
    *,
    strategy: str | None,
    auto_select: bool,
    settings: Mapping[str, str] | None,
    engine: str,
    skipped: Sequence[object],
) -> AnalysisResult:
    from core.plan.catalog import unknown_key_columns
    from core.plan.single_routing import single_routing

    stale = tuple(unknown_key_columns(catalog, caller))
    plans = list(planned) if planned is not None else [None] * len(profiles)
    statements: list[StatementAnalysis] = []
    presets: list[Mapping[str, Decision]] = []
    for profile, sources, plan in zip(profiles, metas, plans, strict=True):
        facts = None
        if plan is not None:
            routing = single_routing(plan)
            facts = Facts(profile, sources, routing.stateful, routing.keys, routing.reason)
        decision = decide(profile, chosen, sources, strategy=strategy, auto_select=auto_select, facts=facts)
        others = compare_presets(profile, sources, facts)
        note = _disagreement(chosen, decision, others["seed"], profile, sources)
        extra = (*stale, note) if note else stale
        if extra:
            decision = replace(decision, warnings=tuple(dict.fromkeys((*decision.warnings, *extra))))
        statements.append(StatementAnalysis(profile, decision, plan.plan if plan is not None else None))
        presets.append(others)
    return AnalysisResult(tuple(statements), chosen.name, tuple(metas), tuple(presets), dict(settings or {}),
                          catalog, engine, tuple(skipped))


def analyze(
    sql: str,
    *,
    dialect: str = "velostream",
    engine: str | None = None,
    tree: str | Path | Tree = "extended",
    source_keys: Sequence[str] = (),
    source_partitions: int | None = None,
    strategy: str | None = None,
    auto_select: bool = True,
) -> AnalysisResult:
    """Read every statement of ``sql`` (DDL into the catalog, SET lines into the settings), plan each
    query under ``engine`` (default: the dialect's engine) and decide how to partition it.

    Raises :class:`~core.errors.SqlSyntaxError` for unreadable or empty SQL, and the other
    :class:`~core.errors.PartitionLabError` subclasses for bad options (checked before parsing).
    """
    # Late imports: the decision layer stays usable (and cheap to import) without the SQL front end.
    from core.plan.builder import build_plan
    from core.plan.rules import engine_for_dialect, rules_for
    from core.sql import read_script
    from core.sql.extract import profile_statement

    chosen = load_tree(tree)  # options fail before parsing, so their errors are not hidden by SQL ones
    caller = _check_options(source_keys, source_partitions, strategy)
    engine_name = rules_for(engine).engine if engine is not None else engine_for_dialect(dialect)
    script = read_script(sql, dialect)
    profiles = [profile_statement(stmt) for stmt in script.statements]
    if not profiles:
        declared = ", ".join(t.name for t in script.tables[:5])
        what = f"it declares {declared} but no statement reads them" if declared else \
            "the input is empty or holds only comments"
        raise SqlSyntaxError(f"no query statement found: {what}", 1, 1)
    # The catalog first (DDL, caller, annotations, lineage), then each statement planned against it.
    metas, catalog = _sources(profiles, script.tables, caller, source_partitions)
    planned = [build_plan(stmt, catalog, engine=engine_name, settings=script.settings)
               for stmt in script.statements]
    return _decide_all(profiles, chosen, caller, metas, catalog, planned, strategy=strategy,
                       auto_select=auto_select, settings=script.settings, engine=engine_name,
                       skipped=script.skipped)
