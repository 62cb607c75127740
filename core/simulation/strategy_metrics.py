"""One strategy's :class:`StrategyMetrics` from what the coordinator counted and the workers emitted."""

from __future__ import annotations

from core.simulation import metrics as m
from core.simulation.config import SimulationConfig
from core.simulation.coordinator import RunOutput, StrategyRun
from core.simulation.judge import check
from core.simulation.plan import Plan
from core.simulation.result import StrategyMetrics
from core.simulation.throughput import backlog, modeled_throughput, worker_capacity

__all__ = ["strategy_metrics"]


def _hashed_share(run: StrategyRun, stats: dict[str, object]) -> float:
    """Share of records this strategy had to hash (what ``hash_cost_us`` applies to)."""
    if run.name == "always_hash":
        return 1.0 if run.ctx.routing_keys else 0.0
    if run.name == "smart_repartition":
        total = int(stats.get("natural_hits", 0)) + int(stats.get("repartition_hits", 0))  # type: ignore[call-overload]
        repartitioned = int(stats.get("repartition_hits", 0))  # type: ignore[call-overload]
        return repartitioned / total if total and run.ctx.routing_keys else 0.0
    return 0.0


def strategy_metrics(run: StrategyRun, out: RunOutput, plan: Plan, config: SimulationConfig,
                     warnings: tuple[str, ...]) -> StrategyMetrics:
    loads = [int(x) for x in run.loads]
    records = out.records
    skew = m.skew_metrics(loads)
    shuffle = m.shuffle_fraction(run.shuffled, records)
    stats = run.strategy.stats()
    capacity = worker_capacity(config.cost_us, config.hash_cost_us, config.shuffle_cost_us,
                               _hashed_share(run, stats), shuffle)
    verdict = check(plan, out.reference, run.outputs)
    busy = tuple(o.busy_s for o in run.outputs)
    elapsed = run.routing_s + max(busy, default=0.0)
    bucket_seconds = records / config.buckets / config.input_rate
    lag = backlog(run.bucket_loads, capacity, bucket_seconds)
    smart = run.name == "smart_repartition"
    return StrategyMetrics(
        strategy=run.name,
        routing_keys=run.ctx.routing_keys,
        warnings=warnings,
        loads=tuple(loads),
        max_mean=skew["max_mean"],
        imbalance=skew["imbalance"],
        imbalance_ratio=skew["imbalance_ratio"],
        cv=skew["cv"],
        gini=skew["gini"],
        jain=skew["jain"],
        flink_skew_pct=skew["flink_skew_pct"],
        max_median=skew["max_median"],
        shuffle_fraction=shuffle,
        groups=verdict.groups,
        groups_per_worker=verdict.groups_per_worker,
        fragmented_groups=verdict.fragmented_groups,
        wrong_groups=verdict.wrong_groups,
        duplicate_rows=verdict.duplicate_rows,
        order_violations=verdict.order_violations,
        correct=verdict.correct,
        verdict=verdict.verdict,
        alignment_pct=float(stats["alignment_pct"]) if smart else None,
        natural_hits=int(stats["natural_hits"]) if smart else None,
        repartition_hits=int(stats["repartition_hits"]) if smart else None,
        state_entries=tuple(o.state_entries for o in run.outputs),
        busy_s=busy,
        routing_s=run.routing_s,
        capacity_per_worker=capacity,
        modeled_throughput=modeled_throughput(loads, capacity, config.input_rate),
        measured_records_per_s=records / elapsed if elapsed > 0 else 0.0,
        bucket_loads=tuple(tuple(int(x) for x in row) for row in run.bucket_loads),
        backlog=tuple(tuple(round(float(x), 3) for x in row) for row in lag),
        wrong_top_rows=verdict.wrong_top_rows,
        duplicate_distinct_rows=verdict.duplicate_distinct_rows,
    )
