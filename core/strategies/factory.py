"""``make_strategy``: a strategy instance from any name or alias, any case."""

from __future__ import annotations

from typing import Any

from core.errors import InvalidConfigError
from core.strategies.always_hash import AlwaysHash
from core.strategies.base import Strategy
from core.strategies.fan_in import FanIn
from core.strategies.names import canonical_name
from core.strategies.round_robin import RoundRobin
from core.strategies.smart_repartition import SmartRepartition
from core.strategies.sticky_partition import StickyPartition

__all__ = ["make_strategy", "STRATEGY_CLASSES", "OPTIONS"]

STRATEGY_CLASSES: dict[str, type[Strategy]] = {
    cls.name: cls for cls in (AlwaysHash, SmartRepartition, RoundRobin, StickyPartition, FanIn)
}

# Options of the whole family. Every strategy accepts all of them and ignores those that do not
# concern it, so a caller can build every strategy in a loop with one set of options.
OPTIONS: dict[str, tuple[str, ...]] = {
    "aligned": ("smart_repartition",),
    "target": ("fan_in",),
    "fan_in_target": ("fan_in",),  # SimulationConfig's spelling, same as ``target``
    "workers": ("fan_in",),
}


def make_strategy(name: str, **options: Any) -> Strategy:
    """A fresh strategy (its own counters) for ``name``, e.g. ``make_strategy("Smart", aligned=True)``.

    Raises UnknownStrategyError for an unknown name, InvalidConfigError for an unknown option or
    a fan-in target outside ``0..workers-1``.

    >>> make_strategy("ROUND").name
    'round_robin'
    """
    canonical = canonical_name(name)
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise InvalidConfigError(
            f"unknown strategy option(s) {', '.join(unknown)}; valid: {', '.join(OPTIONS)}"
        )
    if "target" in options and "fan_in_target" in options and options["target"] != options["fan_in_target"]:
        raise InvalidConfigError("give the fan-in target once: 'target' and 'fan_in_target' disagree")
    if canonical == "smart_repartition":
        return SmartRepartition(aligned=bool(options.get("aligned", False)))
    if canonical == "fan_in":
        target = options.get("target", options.get("fan_in_target"))
        return FanIn(target=target, workers=options.get("workers"))
    return STRATEGY_CLASSES[canonical]()
