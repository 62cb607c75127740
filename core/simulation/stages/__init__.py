"""Stage-by-stage replay of a statement's plan under its engine (DESIGN *Replay*, *Stages*).

:func:`stage_replay` reads every source of the plan (synthetic topics that share the join-key
domain with ``match_rate``, or per-source traces), runs the operators on weighted distinct rows and
routes each exchange with the engine's exact hash; ``SimulationResult.stages`` holds the result.
:mod:`core.simulation.stages.joins` judges the five single-routing strategies on a join by the
matches each worker produces.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from os import PathLike

from core.engines import EngineSettings
from core.model.catalog import TableDef
from core.model.decision import StatementAnalysis
from core.simulation.config import SimulationConfig
from core.simulation.coordinator import StrategyRun
from core.simulation.stages.columns import SourceColumns, source_columns
from core.simulation.stages.joins import JoinJudge, JoinVerdict
from core.simulation.stages.replay import RowsReader, Stage, StageReplay, _Replay, replay_plan, window_slots
from core.simulation.stages.sources import Domains, ReplaySource, sources_for
from core.workload.trace import Trace

__all__ = ["Stage", "StageReplay", "StagePlan", "JoinVerdict", "plan_sources", "stage_replay", "run_stages",
           "stage_count"]


@dataclass(frozen=True)
class StagePlan:
    """A statement's sources and resolved stage keys, ready to replay (or to judge joins on)."""

    st: StatementAnalysis
    cols: SourceColumns
    keys: Mapping[int, tuple[str, ...]]
    joins: Mapping[int, tuple[tuple[str, ...], tuple[str, ...]]]
    sources: tuple[ReplaySource, ...]
    domains: Domains
    catalog: Mapping[str, TableDef]


def stage_count(st: StatementAnalysis) -> int:
    """Exchanges the stage replay routes (at least 1, for the budget)."""
    return max(1, len(st.plan.exchanges) if st.plan is not None else 1)


def plan_sources(st: StatementAnalysis, catalog: Mapping[str, TableDef], *, records: int, partitions: int,
                 keys: int, distribution: str, producer: str | None, seed: int, batch_size: int,
                 match_rate: float, traces: Mapping[str, Trace | str | PathLike[str]] | None = None,
                 first_keys: tuple[str, ...] = ()) -> StagePlan | None:
    """The statement's replay sources, or None when it has no plan."""
    if st.plan is None:
        return None
    joins_profile = tuple(j.keys for j in st.profile.joins)
    cols, ex_keys, joins = source_columns(st.plan, catalog, st.profile.sql, joins_profile)
    sources, domains = sources_for(cols, catalog, records=records, partitions=partitions, keys=keys,
                                   distribution=distribution, producer=producer, seed=seed,
                                   batch_size=batch_size, match_rate=match_rate, traces=traces,
                                   first_keys=first_keys)
    return StagePlan(st, cols, ex_keys, joins, tuple(sources), domains, catalog)


def _judged_join(plan: StagePlan) -> tuple[int, int, int] | None:
    """(join op, left source op, right source op) of the first join fed by one source per side."""
    assert plan.st.plan is not None
    for op in plan.st.plan.operators:
        if op.kind != "join" or op.id not in plan.joins or len(op.inputs) != 2:
            continue
        left, right = (plan.cols.sources_under(i) for i in op.inputs)
        if len(left) == 1 and len(right) == 1 and left != right:
            return op.id, left[0], right[0]
    return None


def _join_judge(plan: StagePlan, runs: list[StrategyRun], config: SimulationConfig) -> JoinJudge | None:
    found = _judged_join(plan)
    if found is None or not runs:
        return None
    op_id, left, right = found
    assert plan.st.plan is not None
    op = plan.st.plan.operator(op_id)
    p = plan.st.profile
    only_join = not (p.group_by or p.aggregates or p.global_aggregate or p.distinct or p.analytic)
    by_op = {s.op: s for s in plan.sources}
    replay = _Replay(plan.st.plan, p, plan.cols, plan.keys, plan.joins, plan.domains, plan.catalog,
                     config.engine or "partition-lab", EngineSettings(), config.workers, frozenset())
    versioned = (replay._versioned(op.inputs[0], plan.joins[op_id][0]),
                 replay._versioned(op.inputs[1], plan.joins[op_id][1]))
    return JoinJudge(op_id, op.detail, (left, right), plan.joins[op_id],
                     (by_op[left].written, by_op[right].written), runs, config, versioned,
                     windowed=p.window is not None and only_join, only_join=only_join)


def run_stages(plan: StagePlan, runs: list[StrategyRun], config: SimulationConfig, *, engine: str,
               settings: EngineSettings) -> tuple[StageReplay, dict[str, JoinVerdict]]:
    """One pass over every source: the stage replay's rows and, for a join, every strategy's matches."""
    assert plan.st.plan is not None
    slot_ms = window_slots(plan.st.profile)[0]
    judge = _join_judge(plan, runs, config)
    readers = {s.op: RowsReader(s.columns, slot_ms) for s in plan.sources}
    for source in plan.sources:
        reader = readers[source.op]
        judged = judge is not None and source.op in judge.sides
        for batch, ids in source.read():
            slot = reader.slot(batch)
            reader.add(batch, ids, slot)
            if judged:
                assert judge is not None
                judge.add(source.op, batch, ids, slot)
    inputs = {op: r.rows() for op, r in readers.items()}
    replayed = replay_plan(plan.st.plan, plan.st.profile, plan.cols, plan.keys, plan.joins,
                           list(plan.sources),
                           plan.domains, plan.catalog, engine=engine, settings=settings,
                           workers=config.workers, inputs=inputs)
    return replayed, (judge.verdicts() if judge is not None else {})


def stage_replay(plan: StagePlan, *, engine: str, settings: EngineSettings, workers: int) -> StageReplay:
    """Replay every exchange of the statement's plan (see :mod:`core.simulation.stages.replay`)."""
    assert plan.st.plan is not None
    return replay_plan(plan.st.plan, plan.st.profile, plan.cols, plan.keys, plan.joins, list(plan.sources),
                       plan.domains, plan.catalog, engine=engine, settings=settings, workers=workers)
