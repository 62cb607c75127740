"""Partitioning strategies: one module per strategy, a factory for names and aliases, validation."""

from __future__ import annotations

from core.strategies.base import RoutingContext, Strategy
from core.strategies.factory import make_strategy
from core.strategies.names import STRATEGY_NAMES, canonical_name
from core.strategies.validation import validate

__all__ = [
    "make_strategy",
    "RoutingContext",
    "Strategy",
    "STRATEGY_NAMES",
    "canonical_name",
    "validate",
]
