"""From parsed statements to plans: the catalog, operators with requirements, and exchanges."""

from __future__ import annotations

from core.plan.builder import PlannedStatement, build_plan
from core.plan.catalog import build_catalog, ddl_metas, unknown_key_columns
from core.plan.rules import ENGINES, PlanRules, engine_for_dialect, rules_for
from core.plan.single_routing import SingleRouting, single_routing

__all__ = [
    "build_plan",
    "PlannedStatement",
    "build_catalog",
    "ddl_metas",
    "unknown_key_columns",
    "ENGINES",
    "PlanRules",
    "engine_for_dialect",
    "rules_for",
    "SingleRouting",
    "single_routing",
]
