"""Oracles and fixtures for tests and benchmarks: the plain per-record router and simulator the fast
paths must agree with, and real results of a small run. Nothing in the product imports this package.
"""

from __future__ import annotations

from core.testing.plain_simulator import PlainResult, plain_simulate
from core.testing.reference import ReferenceState, route_reference
from core.testing.results import SmallRun, small_result_dict, small_run

__all__ = ["ReferenceState", "route_reference", "PlainResult", "plain_simulate", "SmallRun", "small_run",
           "small_result_dict"]
