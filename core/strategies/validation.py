"""What each strategy refuses (DESIGN.md's validate column), as messages that say what breaks."""

from __future__ import annotations

from core.model.profile import QueryProfile
from core.strategies.names import canonical_name

__all__ = ["validate"]


def validate(strategy: str, profile: QueryProfile, routing_keys: tuple[str, ...]) -> tuple[str, ...]:
    """Reasons ``strategy`` refuses this statement; empty when it accepts it.

    A refused strategy still runs when a user forces it; the reasons become warnings.
    """
    name = canonical_name(strategy)
    if name in ("always_hash", "smart_repartition") and not routing_keys:
        return (
            f"{name} needs routing keys but this statement has none to hash: every record lands "
            "on one worker (right for a global aggregate, but it cannot scale); group by a column "
            "to spread the load",
        )
    if name == "round_robin" and profile.group_by:
        return (
            "round_robin refuses GROUP BY: records of one group are spread over every worker, "
            "so each worker emits partial aggregates",
        )
    return ()
