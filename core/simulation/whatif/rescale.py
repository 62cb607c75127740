"""Rescaling W → W': which keys, and how much state, change worker, per placement family.

A key moves when its worker under W differs from its worker under W'. Under ``h mod W`` that is
most keys (a key stays only when ``h mod W == h mod W'``; for 8 → 12, 8 of every 24 residues stay).
Under Flink key groups a key moves exactly when its key group changes owner, so whole key groups
move together — as long as the max parallelism stays; if it changes (Flink's default rule for a
larger W), key groups themselves are recomputed and Flink cannot restore the state at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.errors import InvalidConfigError
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
        parts = [f"{f.placement} moves {f.keys_share:.0%} of keys and {f.state_share:.0%} of state"
                 for f in self.families]
        return f"{self.workers_from} → {self.workers_to} workers: " + "; ".join(parts)


def _family(place: Placement, counts: KeyCounts, weights: np.ndarray, w1: int, w2: int) -> RescaleFamily:
    before, after = place.place(counts.hashes, w1), place.place(counts.hashes, w2)
    moved = before != after
    total = float(weights.sum())
    state = float(weights[moved].sum())
    n = max(counts.keys, 1)
    base = dict(placement=place.name, keys_moved=int(moved.sum()), keys_share=float(moved.sum()) / n,
                state_moved=state, state_share=state / total if total > 0 else 0.0)
    if not isinstance(place, KeyGroups):
        return RescaleFamily(**base)  # type: ignore[arg-type]
    m1, m2 = place.max_parallelism_for(w1), place.max_parallelism_for(w2)
    groups = np.arange(m1)
    # Owner of every key group before and after (same maxP): the groups that change owner.
    group_moves = (groups * w1 // m1) != (groups * w2 // m1)
    warnings: list[str] = []
    if_changes = None
    if m1 != m2:
        warnings.append(f"max parallelism changes from {m1} to {m2} with the default rule: key groups are "
                        "recomputed and Flink cannot restore the old state (set pipeline.max-parallelism "
                        f"to {m1} or higher before the first run to keep state rescalable)")
        regroup = KeyGroups(m2).place(counts.hashes, w2) != KeyGroups(m1).place(counts.hashes, w1)
        if_changes = float(regroup.sum()) / n
        # Counted at the fixed old maxP: the rescale a savepoint allows.
        fixed = KeyGroups(m1)
        moved = fixed.place(counts.hashes, w1) != fixed.place(counts.hashes, w2)
        state = float(weights[moved].sum())
        base.update(keys_moved=int(moved.sum()), keys_share=float(moved.sum()) / n, state_moved=state,
                    state_share=state / total if total > 0 else 0.0)
    return RescaleFamily(**base, key_groups_moved=int(group_moves.sum()), key_groups=m1,  # type: ignore[arg-type]
                         max_parallelism_from=m1, max_parallelism_to=m2,
                         keys_share_if_max_parallelism_changes=if_changes, warnings=tuple(warnings))


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
