"""Rescaling W → W': which keys, and how much state, change worker, per placement family.

A key moves when its worker under W differs from its worker under W'. Under ``h mod W`` that is
most keys (a key stays only when ``h mod W == h mod W'``; for 8 → 12, 8 of every 24 residues stay).
Under Flink key groups a key moves exactly when its key group changes owner, so whole key groups
move together (contiguous ranges keep their subtask index only at the low end, so by index most
groups change owner; ``*_best_mapping`` says what must move if new workers start on the old slots
they share most state with) — as long as the max parallelism stays; if it changes (Flink's default rule for a
larger W), key groups themselves are recomputed and Flink cannot restore the state at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.errors import InvalidConfigError
from core.simulation.whatif.assignment import MAX_ASSIGNMENT, max_weight_assignment
from core.simulation.whatif.keys import KeyCounts
from core.simulation.whatif.placement import KeyGroups, ModHash, Placement, check_workers

__all__ = ["RescaleFamily", "RescaleResult", "rescale"]


@dataclass(frozen=True)
class RescaleFamily:
    """What moves under one placement family; state is weighted by ``state_sizes`` (else records)."""

    placement: str
    keys_moved: int
    keys_share: float
    state_moved: float
    state_share: float
    key_groups_moved: int | None = None
    key_groups: int | None = None
    max_parallelism_from: int | None = None
    max_parallelism_to: int | None = None
    keys_share_if_max_parallelism_changes: float | None = None
    # With new workers placed on the old slots they share most state with (None above 256 workers).
    keys_share_best_mapping: float | None = None
    state_share_best_mapping: float | None = None
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class RescaleResult:
    workers_from: int
    workers_to: int
    keys: int
    state_total: float
    state_weight: str  # "records" or "state_sizes"
    families: tuple[RescaleFamily, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"workers_from": self.workers_from, "workers_to": self.workers_to, "keys": self.keys,
                "state_total": self.state_total, "state_weight": self.state_weight,
                "families": {f.placement: f.to_dict() for f in self.families}}

    def sentence(self) -> str:
        parts = []
        for f in self.families:
            best = ("" if f.state_share_best_mapping is None else
                    f" ({f.state_share_best_mapping:.0%} of state with the best worker-to-slot mapping)")
            parts.append(f"{f.placement} moves {f.keys_share:.0%} of keys and {f.state_share:.0%} of "
                         f"state{best}")
        return f"{self.workers_from} → {self.workers_to} workers: " + "; ".join(parts)


def _best_mapping(before: np.ndarray, after: np.ndarray, weights: np.ndarray, w1: int,
                  w2: int) -> tuple[float, float] | None:
    """(keys share, state share) that must move when each new worker starts where the old worker
    sharing most state with it ran (an optimal assignment), instead of keeping worker indices."""
    if max(w1, w2) > MAX_ASSIGNMENT:
        return None
    cell = before * w2 + after
    state = np.bincount(cell, weights=weights, minlength=w1 * w2).reshape(w1, w2)
    keys = np.bincount(cell, minlength=w1 * w2).reshape(w1, w2)
    pick = max_weight_assignment(state)
    rows = np.flatnonzero(pick >= 0)
    total, n = float(weights.sum()), max(len(before), 1)
    stay_state = float(state[rows, pick[rows]].sum())
    stay_keys = float(keys[rows, pick[rows]].sum())
    return 1.0 - stay_keys / n, (1.0 - stay_state / total) if total > 0 else 0.0


def _family(place: Placement, counts: KeyCounts, weights: np.ndarray, w1: int, w2: int) -> RescaleFamily:
    h = counts.hashes
    extra: dict[str, Any] = {}
    if isinstance(place, KeyGroups):
        m1, m2 = place.max_parallelism_for(w1), place.max_parallelism_for(w2)
        groups = np.arange(m1)
        # Owner of every key group before and after at the old maxP: the groups that change owner.
        extra.update(key_groups=m1, key_groups_moved=int(((groups * w1 // m1) != (groups * w2 // m1)).sum()),
                     max_parallelism_from=m1, max_parallelism_to=m2)
        if m1 != m2:
            extra["warnings"] = (
                f"max parallelism changes from {m1} to {m2} with the default rule: key groups are "
                "recomputed and Flink cannot restore the old state (set pipeline.max-parallelism to "
                f"{m1} or higher before the first run to keep state rescalable)",)
            regroup = KeyGroups(m2).place(h, w2) != KeyGroups(m1).place(h, w1)
            extra["keys_share_if_max_parallelism_changes"] = float(regroup.sum()) / max(counts.keys, 1)
        # Counted at the old maxP: the rescale a savepoint allows.
        fixed = KeyGroups(m1)
        before, after = fixed.place(h, w1), fixed.place(h, w2)
    else:
        before, after = place.place(h, w1), place.place(h, w2)
    moved = before != after
    total = float(weights.sum())
    state = float(weights[moved].sum())
    best = _best_mapping(before, after, weights, w1, w2)
    return RescaleFamily(place.name, int(moved.sum()), float(moved.sum()) / max(counts.keys, 1), state,
                         state / total if total > 0 else 0.0,
                         keys_share_best_mapping=None if best is None else best[0],
                         state_share_best_mapping=None if best is None else best[1], **extra)


def rescale(counts: KeyCounts, workers_from: int, workers_to: int, *,
            placements: Sequence[Placement] | None = None,
            state_sizes: np.ndarray | None = None) -> RescaleResult:
    """Keys and state that change worker going from ``workers_from`` to ``workers_to``.

    ``placements`` default to mod-W hashing and Flink key groups (default max parallelism rule);
    ``state_sizes`` (one per key, e.g. bytes) weight the state share, else each key weighs its records.
    """
    w1, w2 = check_workers(workers_from, "workers"), check_workers(workers_to, "the rescale target")
    weights = counts.counts.astype(np.float64) if state_sizes is None else np.asarray(state_sizes, np.float64)
    bad = weights.size > 0 and (not np.isfinite(weights).all() or weights.min() < 0)
    if weights.shape != (counts.keys,) or bad:
        raise InvalidConfigError(f"state sizes need one finite non-negative number per key ({counts.keys}), "
                                 f"got shape {weights.shape}")
    chosen: Sequence[Placement] = placements or (ModHash(), KeyGroups())
    families = tuple(_family(p, counts, weights, w1, w2) for p in chosen)
    return RescaleResult(w1, w2, counts.keys, float(weights.sum()),
                         "records" if state_sizes is None else "state_sizes", families)
