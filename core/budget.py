"""The work budget: estimate a run from its options before any record is made, refuse it when too big.

The formula and the numbers are documented in :mod:`core.limits`. The estimate is deliberately cheap
(arithmetic on the options) so every entry point can check it before analysis or replay starts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from core import limits
from core.errors import InvalidConfigError

__all__ = ["Budget", "WorkEstimate", "estimate_work", "windows_per_record", "BATCH", "DASHBOARD",
           "AUTO_RUN", "cap_processes", "format_duration"]


@dataclass(frozen=True)
class Budget:
    """How much one run may do; ``name`` says where (it appears in the refusal)."""

    name: str
    max_cells: int
    max_state_bytes: int
    max_records: int | None = None
    max_keys: int | None = None


BATCH = Budget("the command line / library budget", limits.BATCH_MAX_CELLS, limits.BATCH_MAX_STATE_BYTES)
DASHBOARD = Budget("the dashboard's budget", limits.DASHBOARD_MAX_CELLS, limits.DASHBOARD_MAX_STATE_BYTES,
                   limits.DASHBOARD_MAX_RECORDS)
AUTO_RUN = Budget("the dashboard's budget for replays that start by themselves", limits.AUTO_RUN_MAX_CELLS,
                  limits.AUTO_RUN_MAX_STATE_BYTES, limits.AUTO_RUN_MAX_RECORDS, limits.AUTO_RUN_MAX_KEYS)


def windows_per_record(kind: str | None, size_ms: int | None, advance_ms: int | None) -> int:
    """Windows each record joins: ``ceil(size/advance)`` for hopping (as kept by the simulator), else 1."""
    if kind != "hopping" or not size_ms or not advance_ms or advance_ms <= 0:
        return 1
    return max(1, min(-(-int(size_ms) // int(advance_ms)), limits.MAX_WINDOWS_PER_RECORD))


def format_duration(seconds: float) -> str:
    """``42 s``, ``12 min``, ``3.5 h``, ``40 days``, ``3,170 years``: enough to decide, no more."""
    if seconds < 90:
        return f"{max(seconds, 0.0):.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds < 730 * 86400:
        return f"{seconds / 86400:,.0f} days"
    return f"{seconds / (365.25 * 86400):,.0f} years"


def _bytes(n: float) -> str:
    for unit, size in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= size:
            return f"{n / size:,.1f} {unit}"
    return f"{n:,.0f} B"


@dataclass(frozen=True)
class WorkEstimate:
    """What a run would do, computed from its options alone."""

    records: int
    windows_per_record: int
    strategies: int
    stages: int
    keys: int
    windowed: bool
    cells: int
    state_bytes: int
    seconds: float

    def describe(self) -> str:
        per = f" × {self.windows_per_record} windows" if self.windows_per_record > 1 else ""
        return (f"{self.records:,} records{per} × {self.strategies} strategies = {self.cells:,} cells, "
                f"~{_bytes(self.state_bytes)} of state, ~{format_duration(self.seconds)}")

    def problems(self, budget: Budget) -> list[str]:
        """Each limit of ``budget`` this run exceeds, with what to lower; empty when it fits."""
        out = []
        if budget.max_records is not None and self.records > budget.max_records:
            out.append(f"{self.records:,} records is above {budget.max_records:,}; lower --records")
        if budget.max_keys is not None and self.keys > budget.max_keys:
            out.append(f"{self.keys:,} keys is above {budget.max_keys:,}; lower --keys")
        if self.cells > budget.max_cells:
            lower = "--records, --strategies" + (" or the window overlap (size/advance)"
                                                   if self.windows_per_record > 1 else "")
            out.append(f"{self.cells:,} cells is above {budget.max_cells:,}; lower {lower}")
        if self.state_bytes > budget.max_state_bytes:
            lower = "--records or the window overlap" if self.windowed else "--keys"
            out.append(f"~{_bytes(self.state_bytes)} of state is above {_bytes(budget.max_state_bytes)}; "
                       f"lower {lower}")
        return out

    def fits(self, budget: Budget) -> bool:
        return not self.problems(budget)

    def check(self, budget: Budget = BATCH) -> None:
        """Raise :class:`InvalidConfigError` naming the estimate and what to lower when over ``budget``."""
        problems = self.problems(budget)
        if problems:
            raise InvalidConfigError(f"this run is over {budget.name}: {self.describe()}; "
                                     + "; ".join(problems))


def estimate_work(records: int, *, strategies: int = 5, keys: int = 1, windows: int = 1,
                  windowed: bool = False, stages: int = 1) -> WorkEstimate:
    """The estimate for a replay of ``records`` through ``strategies`` (see :mod:`core.limits`)."""
    records, strategies, keys = max(int(records), 0), max(int(strategies), 1), max(int(keys), 1)
    windows, stages = max(int(windows), 1), max(int(stages), 1)
    cells = records * windows * strategies * stages
    groups = cells if windowed else min(records, keys) * strategies * stages
    state = groups * limits.STATE_BYTES_PER_GROUP + keys * limits.KEY_BYTES
    return WorkEstimate(records, windows, strategies, stages, keys, windowed, cells, state,
                        cells / limits.CELLS_PER_SECOND)


def cap_processes(requested: int | None, workers: int) -> tuple[int, str | None]:
    """Worker processes to start (never more than workers or CPUs) and a note when a request was cut."""
    cpus = os.cpu_count() or 1
    if requested is None:
        return min(workers, cpus), None
    if requested == 0:
        return 0, None
    count = min(requested, workers, cpus)
    if requested > cpus:
        return count, (f"--processes {requested} capped at {count}: this machine has {cpus} CPU"
                       f"{'s' if cpus != 1 else ''} (more processes only compete for them)")
    return count, None
