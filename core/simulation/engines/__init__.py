"""Where the logical workers run: in the calling process or in OS processes, with identical results."""

from __future__ import annotations

from core.simulation.engines.base import Engine, Host
from core.simulation.engines.inline import InlineEngine
from core.simulation.engines.process import ProcessEngine

__all__ = ["Engine", "Host", "InlineEngine", "ProcessEngine"]
