"""Read a simulation result (``SimulationResult`` or its ``to_dict()``) as plain data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["result_dict", "strategy_items"]


def result_dict(result: Any) -> Mapping[str, Any]:
    """The documented ``to_dict()`` form, whatever was passed."""
    if isinstance(result, Mapping):
        return result
    return result.to_dict()


def strategy_items(result: Any) -> list[tuple[str, Mapping[str, Any]]]:
    """``(name, metrics)`` pairs in the order the strategies ran."""
    strategies = result_dict(result)["strategies"]
    return [
        (name, metrics if isinstance(metrics, Mapping) else metrics.to_dict())
        for name, metrics in strategies.items()
    ]
