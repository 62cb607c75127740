"""``simulate``: analyze a statement, replay a source through every strategy, measure and judge."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from os import PathLike
from pathlib import Path
from typing import Any

from core.budget import BATCH, Budget, WorkEstimate, estimate_work, windows_per_record
from core.decide.alignment import is_aligned, source_key
from core.decide.api import analyze
from core.decide.routing_keys import natural_keys
from core.decide.trees import Tree
from core.engines import DEFAULT_ENGINE, EngineSettings, engine_for_dialect
from core.engines.flink import max_parallelism_for
from core.engines.settings import engine_settings
from core.engines.types import canonical_type
from core.errors import InvalidConfigError, TraceError, WorkerFailedError
from core.model.catalog import TableDef
from core.model.decision import SourceMeta, StatementAnalysis
from core.simulation import coordinator
from core.simulation.config import SimulationConfig
from core.simulation.plan import Plan, build_plan, needed_columns, resolve_columns
from core.simulation.result import SimulationResult, StrategyMetrics
from core.simulation.stages import joins as stage_joins
from core.simulation.stages import plan_sources, run_stages, stage_count
from core.simulation.strategy_metrics import strategy_metrics
from core.simulation.top_n import top_n_of
from core.strategies.base import RoutingContext
from core.strategies.factory import make_strategy
from core.strategies.names import STRATEGY_NAMES, canonical_name
from core.strategies.validation import validate
from core.workload.batch import Batch
from core.workload.synthetic import TopicSpec, columns_for, generate
from core.workload.trace import Trace, read_trace

__all__ = ["simulate"]

_HASHING = ("always_hash", "smart_repartition")


@dataclass(frozen=True)
class _Source:
    kind: str
    batches: Callable[[], Iterator[Batch]]
    records: int
    partitions: int
    key_columns: tuple[str, ...]
    value_columns: tuple[str, ...]
    topic_keys: tuple[str, ...]
    producer: str | None


def _strategy_names(strategies: Iterable[str] | str | None) -> list[str]:
    if strategies is None or (isinstance(strategies, str) and strategies.strip().lower() == "all"):
        return list(STRATEGY_NAMES)
    items = strategies.split(",") if isinstance(strategies, str) else list(strategies)
    names = list(dict.fromkeys(canonical_name(s) for s in items if str(s).strip()))
    if not names:
        raise InvalidConfigError("no strategy to simulate; give 'all' or names such as always_hash,sticky")
    return names


def _statement(sql: str, index: int, **kwargs: Any) -> tuple[StatementAnalysis, SourceMeta | None]:
    st, meta, _ = _statement_and_table(sql, index, **kwargs)
    return st, meta


def _statement_and_table(sql: str, index: int, **kwargs: Any
                         ) -> tuple[StatementAnalysis, SourceMeta | None, TableDef | None]:
    """The statement, its source's metadata and its source's catalog entry (declared column types)."""
    st, meta, catalog = _statement_and_catalog(sql, index, **kwargs)
    table = next((catalog[source_key(s)] for s in st.profile.sources if source_key(s) in catalog), None)
    return st, meta, table


def _statement_and_catalog(sql: str, index: int, **kwargs: Any
                           ) -> tuple[StatementAnalysis, SourceMeta | None, Mapping[str, TableDef]]:
    analysis = analyze(sql, **kwargs)
    count = len(analysis.statements)
    if not -count <= index < count:
        raise InvalidConfigError(f"statement {index} does not exist: the SQL has {count} statement(s) "
                                 f"(0..{count - 1}, or -1 for the last)")
    pos = index % count
    st = analysis.statements[pos]
    metas = analysis.sources[pos] if pos < len(analysis.sources) else {}
    meta = next((metas[source_key(s)] for s in st.profile.sources if source_key(s) in metas), None)
    return st, meta, analysis.catalog


def _synthetic(st: StatementAnalysis, meta: SourceMeta | None, config: SimulationConfig,
               partitions: int) -> _Source:
    keys = meta.key_columns if meta else ()
    schema = columns_for(st.profile, keys, keys=config.keys, distribution=config.distribution)
    topic = TopicSpec(partitions=partitions, key_columns=tuple(schema.resolve(k) for k in keys),
                      producer=config.producer)
    aliases = tuple(a for a, _ in schema.aliases)
    numeric = set(schema.numeric)
    return _Source(
        "synthetic", lambda: generate(topic, schema, config.records, config.seed, config.batch_size),
        config.records, partitions,
        key_columns=(*schema.categorical, *(a for a in aliases if schema.resolve(a) not in numeric),
                     *topic.key_columns),
        value_columns=(*schema.numeric, *(a for a in aliases if schema.resolve(a) in numeric),
                       *((schema.time_column,) if schema.time_column else ())),
        topic_keys=topic.key_columns, producer=topic.producer)


def _trace(trace: Trace | str | PathLike[str], st: StatementAnalysis, meta: SourceMeta | None,
           partitions: int | None) -> _Source:
    if not isinstance(trace, Trace):
        keys = meta.key_columns if meta else ()
        trace = read_trace(Path(trace), partitions=partitions,
                           required_columns=(*needed_columns(st.profile), *keys), key_columns=keys)
    t = trace
    return _Source("trace", t.batches, t.records, t.partitions, t.categorical, t.numeric,
                   meta.key_columns if meta else (), None)


def _runs(names: list[str], st: StatementAnalysis, meta: SourceMeta | None, source: _Source,
          config: SimulationConfig, routing: EngineSettings, table: TableDef | None = None
          ) -> tuple[list[coordinator.StrategyRun], dict[str, tuple[str, ...]]]:
    runs, notes = [], {}
    d = st.decision
    for name in names:
        texts = d.routing_keys if name == d.strategy and d.routing_keys else natural_keys(st.profile)
        texts = texts if name in _HASHING else ()
        keys, warn = resolve_columns(texts, source.key_columns, source.value_columns)
        aligned = False
        if name == "smart_repartition" and meta is not None:
            producer = source.producer or meta.producer
            aligned = bool(is_aligned(texts, replace(meta, producer=producer)))  # type: ignore[arg-type]
        strategy = make_strategy(name, aligned=aligned, target=config.fan_in_target, workers=config.workers)
        # Types matter only where an engine hashes typed values (the default hash reads text).
        typed = config.engine not in (None, DEFAULT_ENGINE)
        types, type_warnings = _catalog_types(keys, table, source) if typed else ((), ())
        ctx = RoutingContext(workers=config.workers, routing_keys=keys, hash_function=config.hash_function,
                             fan_in_target=config.fan_in_target, engine=config.engine or DEFAULT_ENGINE,
                             engine_settings=routing, key_types=types)
        runs.append(coordinator.StrategyRun(name, strategy, ctx))
        notes[name] = (*validate(name, st.profile, tuple(texts)), *warn, *type_warnings)
    return runs, notes


def _catalog_types(keys: tuple[str, ...], table: TableDef | None, source: _Source
                   ) -> tuple[tuple[str | None, ...], tuple[str, ...]]:
    """Each routing key's declared SQL type (engines hash typed values), and what to warn about.

    A trace's columns take the catalog's types; synthetic key columns are generated as text labels,
    so they keep STRING (a declared non-text type is named in a warning). A type no engine hashes
    (``TIMESTAMP(3)``, ``DECIMAL``) is left to the data, with a warning too.
    """
    types: list[str | None] = []
    warnings: list[str] = []
    for key in keys:
        declared = table.column_type(key) if table is not None else None
        if declared is None:
            types.append(None)
            continue
        try:
            canonical = canonical_type(declared)
        except InvalidConfigError:
            types.append(None)
            warnings.append(f"key {key!r} is declared {declared}, a type the engines' hashes do not take; "
                            "routed by the type its values have")
            continue
        if source.kind == "synthetic" and canonical != "STRING":
            types.append(None)
            warnings.append(f"key {key!r} is declared {declared} but synthetic keys are text labels: routed "
                            "as STRING (replay a trace to route the declared type)")
            continue
        types.append(canonical)
    return tuple(types), tuple(warnings)


def _engine_setup(sql: str, config: SimulationConfig) -> tuple[EngineSettings, list[str]]:
    """Routing settings from the config and the script's SET lines, and what to warn about."""
    routing, shuffle = engine_settings(sql, config.max_parallelism)
    warnings = []
    if config.engine == "flink":
        routing = EngineSettings(max_parallelism=max_parallelism_for(config.workers, routing))
    elif config.max_parallelism is not None:
        warnings.append(f"max_parallelism applies to flink only; ignored under {config.engine}")
    if config.engine == "spark" and shuffle is not None and shuffle != config.workers:
        warnings.append(f"the script sets spark.sql.shuffle.partitions = {shuffle} but {config.workers} "
                        f"workers are simulated; run with --workers {shuffle} to replay Spark's partitions")
    return routing, warnings


def _recommend(recommended: str, metrics: dict[str, StrategyMetrics]) -> tuple[str | None, str | None]:
    correct = [m for m in metrics.values() if m.correct]
    if not correct:
        return None, ("no simulated strategy emitted the reference result: the query needs a merge step "
                      "(or a strategy that co-locates its keys) in this configuration")
    # Ties (e.g. two strategies that both put everything on one worker): the tree's pick, then a
    # strategy that validate() accepts.
    best = max(correct, key=lambda m: (m.modeled_throughput, m.strategy == recommended, not m.warnings))
    if best.strategy == recommended:
        return best.strategy, None
    rec = metrics.get(recommended)
    if rec is None:
        return best.strategy, (f"the tree recommends {recommended} (not simulated); {best.strategy} is the "
                               f"fastest correct strategy at {best.modeled_throughput:,.0f} records/s")
    if not rec.correct:
        return best.strategy, (f"the tree recommends {recommended}, but it emitted wrong results here "
                               f"({rec.verdict}); {best.strategy} is correct at "
                               f"{best.modeled_throughput:,.0f} records/s")
    return best.strategy, (f"the tree recommends {recommended} ({rec.modeled_throughput:,.0f} records/s "
                           f"modeled); {best.strategy} is also correct here and models "
                           f"{best.modeled_throughput:,.0f} records/s")


def simulate(sql: str, *, dialect: str = "velostream", tree: str | Path | Tree = "extended",
             source_keys: Sequence[str] = (), source_partitions: int | None = None,
             strategies: Iterable[str] | str | None = None, config: SimulationConfig | None = None,
             trace: Trace | str | PathLike[str] | None = None,
             progress: Callable[[float], Any] | None = None, statement: int = -1,
             strategy: str | None = None, auto_select: bool = True,
             engine: str | None = None, budget: Budget = BATCH,
             traces: Mapping[str, Trace | str | PathLike[str]] | None = None) -> SimulationResult:
    """Simulate one statement (default: the last) under each strategy (default: all five).

    The run is estimated before any record is made (:mod:`core.budget`); over ``budget`` it is
    refused with :class:`InvalidConfigError` naming the estimate and what to lower.

    ``source_partitions`` overrides ``config.partitions``; a trace brings its own records and
    partitions. ``progress`` receives the fraction of records done (0 < f <= 1). ``strategy`` and
    ``auto_select`` reach the analyzer: they change what counts as ``recommended``. ``engine``
    (overrides ``config.engine``; default: the dialect's engine, DESIGN *Engines*) names whose plan
    rules the statement is planned under and whose hash always_hash and smart_repartition route with
    (:mod:`core.engines`). ``traces`` maps a source (table) name to its trace, for the stage replay
    of a multi-source statement (the first source's trace also feeds the strategy comparison).
    The result's ``stages`` replay the statement's plan exchange by exchange under the engine
    (:mod:`core.simulation.stages`).
    """
    config = config or SimulationConfig()
    if engine is not None or config.engine is None:
        config = replace(config, engine=engine or engine_for_dialect(dialect))
    # One key spec passed bare must not be read as one key per character.
    keys = (source_keys,) if isinstance(source_keys, str) else tuple(source_keys)
    try:
        return _simulate(sql, dialect, tree, keys, source_partitions, strategies, config,
                         trace, progress, statement, strategy, auto_select, budget, dict(traces or {}))
    except MemoryError:
        # Raised in the coordinator (a worker's own MemoryError arrives as WorkerFailedError).
        raise WorkerFailedError(
            f"the simulation ran out of memory ({config.records:,} records, {config.keys:,} keys, "
            f"{config.workers} workers); lower --records or --keys, simulate fewer strategies, or give "
            "the process more memory") from None


def _simulate(sql: str, dialect: str, tree: str | Path | Tree, source_keys: tuple[str, ...],
              source_partitions: int | None, strategies: Iterable[str] | str | None,
              config: SimulationConfig, trace: Trace | str | PathLike[str] | None,
              progress: Callable[[float], Any] | None, statement: int, strategy: str | None,
              auto_select: bool, budget: Budget,
              traces: dict[str, Trace | str | PathLike[str]]) -> SimulationResult:
    started = time.perf_counter()
    if source_partitions is not None:
        config = replace(config, partitions=source_partitions)
    names = _strategy_names(strategies)
    if trace is None:  # a lower bound (one window per record): refuse absurd counts before analysis
        estimate_work(config.records, strategies=len(names), keys=config.keys).check(budget)
    st, meta, catalog = _statement_and_catalog(
        sql, statement, dialect=dialect, tree=tree, source_keys=source_keys,
        source_partitions=config.partitions, strategy=strategy, auto_select=auto_select, engine=config.engine)
    table = next((catalog[source_key(s)] for s in st.profile.sources if source_key(s) in catalog), None)
    table_note = None
    if trace is not None:
        traces = {"": trace, **traces}
        source = _trace(trace, st, meta, source_partitions)
    else:
        source = _synthetic(st, meta, config, config.partitions)
        first = st.profile.sources[0].lower() if st.profile.sources else ""
        named = next((v for k, v in traces.items() if k.lower() in (first, first.split(".")[-1])), None)
        if named is not None:
            try:  # the strategy table reads the first source's trace when it holds every column it needs
                source = _trace(named, st, meta, source_partitions)
            except TraceError:
                table_note = (f"the strategy table replays a synthetic {first}: its trace lacks columns of "
                              "the other sources; the stages replay every source's trace")
    if source.partitions != config.partitions:
        config = replace(config, partitions=source.partitions)
    plan = build_plan(st.profile, source.key_columns, source.value_columns,
                      top_n=top_n_of(sql, dialect, st.profile.index))
    routing, engine_warnings = _engine_setup(sql, config)
    runs, notes = _runs(names, st, meta, source, config, routing, table)
    keys = config.keys if source.kind == "synthetic" else 1
    work_estimate(plan, source.records, len(runs), keys, stages=stage_count(st)).check(budget)
    staged = plan_sources(st, catalog, records=config.records, partitions=config.partitions, keys=config.keys,
                          distribution=config.distribution, producer=config.producer, seed=config.seed,
                          batch_size=config.batch_size, match_rate=config.match_rate, traces=traces,
                          first_keys=meta.key_columns if meta else ())
    out = coordinator.run(source.batches(), source.records, plan, runs, config, progress)
    metrics = {r.name: strategy_metrics(r, out, plan, config, notes[r.name]) for r in runs}
    replayed = None
    if staged is not None:  # the plan stage by stage, and every strategy's join matches, in one pass
        replayed, verdicts = run_stages(staged, runs, config, engine=config.engine or DEFAULT_ENGINE,
                                        settings=routing)
        # --- join verdict hook (core.simulation.stages.joins): a join is judged by its matches ---
        metrics = {n: stage_joins.apply(m, verdicts.get(n)) for n, m in metrics.items()}
    best, note = _recommend(st.decision.strategy, metrics)
    result = _result(st, plan, source, config, out, metrics, best, note)
    stage_notes = replayed.warnings if replayed is not None else ()
    warnings = tuple(dict.fromkeys((*result.warnings, *engine_warnings, *stage_notes,
                                    *((table_note,) if table_note else ()))))
    return replace(result, wall_s=time.perf_counter() - started, engine=config.engine or DEFAULT_ENGINE,
                   warnings=warnings, stages=replayed.stages if replayed is not None else (),
                   source_records=dict(replayed.source_records) if replayed is not None else {})


def work_estimate(plan: Plan, records: int, strategies: int, keys: int, stages: int = 1) -> WorkEstimate:
    """The budget estimate of replaying ``records`` through ``plan`` (windows from its operator) and
    the statement's ``stages`` exchanges."""
    spec = plan.spec
    hopping = spec.kind == "window" and spec.advance_ms and spec.advance_ms != spec.size_ms
    windows = windows_per_record("hopping" if hopping else None, spec.size_ms, spec.advance_ms)
    return estimate_work(records, strategies=strategies, keys=keys, windows=windows,
                         windowed=spec.kind in ("window", "session"), stages=stages)


def _result(st: StatementAnalysis, plan: Plan, source: _Source, config: SimulationConfig,
            out: coordinator.RunOutput, metrics: dict[str, StrategyMetrics], best: str | None,
            note: str | None) -> SimulationResult:
    warnings = list(plan.warnings)
    if st.profile.joins:
        warnings.append("the strategy table's loads count the first source's records; the join's both "
                        "inputs are replayed in `stages` and judge each strategy by its join matches")
    bucket_records = out.records / config.buckets
    synthetic = source.kind == "synthetic"
    return SimulationResult(
        records=out.records, partitions=config.partitions, workers=config.workers, processes=out.processes,
        statement=st.profile.index, operator=plan.kind, state_keys=plan.state_columns,
        order_required=plan.order_required, aggregates=plan.aggregates, source=source.kind,
        source_keys=source.topic_keys, producer=source.producer,
        distribution=config.distribution if synthetic else None, keys=config.keys if synthetic else None,
        seed=config.seed, recommended=st.decision.strategy,
        recommended_routing_keys=st.decision.routing_keys, aligned=st.decision.aligned,
        best_measured=best, recommendation_note=note, input_rate=config.input_rate,
        bucket_records=bucket_records, bucket_seconds=bucket_records / config.input_rate,
        wall_s=out.wall_s, warnings=tuple(dict.fromkeys(warnings)), strategies=metrics)
