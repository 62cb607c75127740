"""Per-engine plan rules: each engine module (core/engines/<engine>.py) holds its own ``PLAN_RULES``;
this is the look-up the planner uses (DESIGN.md *From SQL to a plan*, notes/flink.md, spark.md)."""

from __future__ import annotations

from core.engines import ENGINE_NAMES, engine_for_dialect, get_engine
from core.model.plan import PlanRules

__all__ = ["PlanRules", "ENGINES", "engine_for_dialect", "rules_for"]

ENGINES: tuple[str, ...] = ENGINE_NAMES


def rules_for(engine: str) -> PlanRules:
    """The plan rules of ``engine``; an unknown name raises InvalidConfigError listing the engines.

    >>> rules_for("flink").trusts_source_key, rules_for("partition-lab").skips_aligned_shuffle
    (False, True)
    """
    rules = get_engine(engine).plan_rules
    assert rules is not None, f"engine {engine} has no plan rules"
    return rules
