"""Worker-count sweep: loads, skew and modeled throughput of one keyed stage for each W.

Throughput follows :mod:`core.simulation.throughput`: ``W·C·mean/max`` = ``C·m/max``. The hottest
key's records ``p1·m`` sit on one worker under any hash placement, so ``max >= p1·m`` and the
stage never beats ``C/p1`` whatever W: the curve flattens once ``1/W`` drops below ``p1``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from core.errors import InvalidConfigError
from core.simulation.throughput import modeled_throughput
from core.simulation.whatif.keys import KeyCounts
from core.simulation.whatif.placement import ModHash, Placement, check_workers
from core.simulation.whatif.stage import StageLoads, stage_loads, worker_loads

__all__ = ["SweepPoint", "SweepResult", "sweep", "parse_workers", "check_sweep", "MAX_SWEEP_POINTS"]

# Each point costs one bincount over the distinct keys; 256 points keep a sweep well under a second
# for a million keys and the JSON readable.
MAX_SWEEP_POINTS = 256


@dataclass(frozen=True)
class SweepPoint:
    workers: int
    stage: StageLoads
    modeled_throughput: float

    def to_dict(self) -> dict[str, Any]:
        return {"workers": self.workers, "modeled_throughput": self.modeled_throughput,
                **self.stage.to_dict()}


@dataclass(frozen=True)
class SweepResult:
    """One point per W; ``workers_needed`` is the smallest swept W reaching ``target_rate``."""

    placement: str
    capacity_per_worker: float
    hottest_share: float
    throughput_ceiling: float  # C / p1: no W does better under a hash placement
    points: tuple[SweepPoint, ...]
    target_rate: float | None
    workers_needed: int | None
    note: str

    def sentence(self) -> str:
        return self.note

    def to_dict(self) -> dict[str, Any]:
        return {"placement": self.placement, "capacity_per_worker": self.capacity_per_worker,
                "hottest_share": self.hottest_share, "throughput_ceiling": self.throughput_ceiling,
                "target_rate": self.target_rate, "workers_needed": self.workers_needed, "note": self.note,
                "points": [p.to_dict() for p in self.points]}


def parse_workers(spec: str) -> tuple[int, ...]:
    """``"1:16"`` (inclusive range), ``"1:64:4"`` (with a step) or ``"4,8,12"``."""
    text = spec.strip()
    try:
        if ":" in text:
            parts = [int(p) for p in text.split(":")]
            if len(parts) not in (2, 3) or (len(parts) == 3 and parts[2] < 1):
                raise ValueError
            values = list(range(parts[0], parts[1] + 1, parts[2] if len(parts) == 3 else 1))
        else:
            values = [int(p) for p in text.split(",") if p.strip()]
    except ValueError:
        raise InvalidConfigError(f"sweep must look like 1:16, 1:64:4 or 4,8,12 (integers), "
                                 f"got {spec!r}") from None
    if not values:
        raise InvalidConfigError(f"sweep {spec!r} has no worker count; e.g. 1:16")
    return tuple(values)


def check_sweep(workers: Iterable[int]) -> tuple[int, ...]:
    values = sorted(dict.fromkeys(check_workers(w, "every swept worker count") for w in workers))
    if not values:
        raise InvalidConfigError("the sweep needs at least one worker count, e.g. 1:16")
    if len(values) > MAX_SWEEP_POINTS:
        raise InvalidConfigError(f"the sweep has {len(values)} worker counts; at most {MAX_SWEEP_POINTS} "
                                 "are allowed: use a step (1:1024:8) or a list")
    return tuple(values)


def sweep(counts: KeyCounts, workers: Iterable[int], *, capacity: float = 200_000.0,
          placement: Placement | None = None, target_rate: float | None = None) -> SweepResult:
    """Loads and modeled throughput of the keyed stage for every W in ``workers``.

    ``capacity`` is C, records/s one worker sustains (default: 5 µs a record).
    """
    place = placement or ModHash()
    ws = check_sweep(workers)
    if not capacity > 0 or capacity == float("inf"):
        raise InvalidConfigError(f"capacity must be a finite number > 0, got {capacity!r}")
    if target_rate is not None and not (target_rate > 0 and target_rate != float("inf")):
        raise InvalidConfigError(f"target rate must be a finite number > 0 records/s, got {target_rate!r}")
    if counts.keys == 0:
        raise InvalidConfigError("the sweep needs records: the stream had none")
    points = []
    for w in ws:
        stage = stage_loads("keyed", "hash", worker_loads(place.place(counts.hashes, w), counts.counts, w))
        points.append(SweepPoint(w, stage, modeled_throughput(list(stage.loads), capacity, None)))
    p1 = float(counts.counts.max()) / counts.records
    ceiling = capacity / p1
    reached = [p.workers for p in points if target_rate is not None and p.modeled_throughput >= target_rate]
    needed = reached[0] if reached else None
    return SweepResult(place.name, capacity, p1, ceiling, tuple(points), target_rate, needed,
                       _note(tuple(points), p1, ceiling, capacity, target_rate, needed))


def _note(points: tuple[SweepPoint, ...], p1: float, ceiling: float, capacity: float,
          rate: float | None, needed: int | None) -> str:
    best = max(points, key=lambda p: p.modeled_throughput)
    head = (f"best {best.modeled_throughput:,.0f} records/s at W={best.workers}; the hottest key "
            f"({p1:.1%} of records) caps a hashed stage at C/p1 = {ceiling:,.0f} records/s whatever W")
    if rate is None:
        return head
    if needed is not None:
        return f"{needed} workers reach {rate:,.0f} records/s; {head}"
    if rate > ceiling:
        return (f"no worker count reaches {rate:,.0f} records/s: the hottest key alone holds {p1:.1%} of the "
                f"records, so one worker processes at least that share and the stage tops out at "
                f"{ceiling:,.0f} records/s (C = {capacity:,.0f}); split the hot key (two-phase, salting, "
                "partial key grouping)")
    return f"none up to W={points[-1].workers} reaches {rate:,.0f} records/s; {head}; sweep further"
