"""Strategy names and aliases (case-insensitive), as the JSON/CLI contract spells them."""

from __future__ import annotations

from core.errors import UnknownStrategyError

__all__ = ["STRATEGY_NAMES", "ALIASES", "canonical_name", "ENGINE_SPELLINGS"]

STRATEGY_NAMES: tuple[str, ...] = (
    "always_hash",
    "smart_repartition",
    "round_robin",
    "sticky_partition",
    "fan_in",
)

ALIASES: dict[str, tuple[str, ...]] = {
    "always_hash": ("hash", "alwayshash"),
    "smart_repartition": ("smart", "smartrepartition"),
    "round_robin": ("roundrobin", "round", "robin"),
    "sticky_partition": ("sticky", "stickypartition"),
    "fan_in": ("fanin", "fan-in"),
}

# The only spellings the Velostream engine itself honours in an annotation (case-sensitive).
ENGINE_SPELLINGS: dict[str, str] = {
    "sticky": "sticky_partition",
    "hash": "always_hash",
    "smart": "smart_repartition",
    "roundrobin": "round_robin",
    "fanin": "fan_in",
}

_LOOKUP: dict[str, str] = {
    spelling: name for name in STRATEGY_NAMES for spelling in (name, *ALIASES[name])
}


def canonical_name(name: str) -> str:
    """The contract name for a strategy name or alias, any case.

    >>> canonical_name("Smart")
    'smart_repartition'
    """
    key = name.strip().lower()
    if key in _LOOKUP:
        return _LOOKUP[key]
    valid = ", ".join(f"{n} ({', '.join(ALIASES[n])})" for n in STRATEGY_NAMES)
    raise UnknownStrategyError(f"unknown strategy {name.strip()!r}; valid names (aliases): {valid}")
