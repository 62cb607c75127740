"""The data that flows between the layers: catalog entries and operator plans.

This package sits at the bottom of the import graph: it imports nothing else from ``core``.
"""

from __future__ import annotations

from core.model.catalog import Column, FactOrigin, TableDef
from core.model.plan import (
    Distribution,
    Exchange,
    ExchangeKind,
    Operator,
    OperatorKind,
    Plan,
    PlanRules,
    Requirement,
)

__all__ = [
    "Column",
    "FactOrigin",
    "TableDef",
    "Distribution",
    "Exchange",
    "ExchangeKind",
    "Operator",
    "OperatorKind",
    "Plan",
    "PlanRules",
    "Requirement",
]
