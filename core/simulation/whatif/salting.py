"""Salting hot keys: each hot key becomes ``n`` sub-keys ``(key, 0..n-1)``, plus the merge it needs.

Stage 1 aggregates per sub-key, so a hot key's records spread over up to ``n`` workers; stage 2
(the merge) groups by the original key again and receives one partial row per non-empty sub-key
per emission (window or update), all on the original key's worker. As in the SQL rewrite
(``GROUP BY k, salt`` then ``GROUP BY k``), unsalted keys pass both stages with one sub-key.
Round robin (a counter per key) splits ``c`` records as ``c // n`` plus one for the first ``c % n``
sub-keys; ``random`` draws the split from a multinomial with the given seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from core.errors import InvalidConfigError
from core.simulation.whatif.keys import Hasher, KeyCounts, mmh3_hasher
from core.simulation.whatif.placement import ModHash, Placement, check_workers
from core.simulation.whatif.stage import StageLoads, stage_loads, worker_loads

__all__ = ["SaltingResult", "salting", "MAX_SALT"]

MAX_SALT = 4096  # sub-keys per hot key; more than any W in core.limits needs


@dataclass(frozen=True)
class SaltingResult:
    workers: int
    salt: int
    mode: str
    placement: str
    salted_keys: tuple[str, ...]
    salted_share: float  # of records
    emissions: int
    unsalted: StageLoads  # the keyed stage without salting
    salted: StageLoads  # stage 1: GROUP BY key, salt
    merge: StageLoads  # stage 2: GROUP BY key over the partial rows

    def to_dict(self) -> dict[str, Any]:
        return {"workers": self.workers, "salt": self.salt, "mode": self.mode, "placement": self.placement,
                "salted_keys": list(self.salted_keys), "salted_share": self.salted_share,
                "emissions": self.emissions, "unsalted": self.unsalted.to_dict(),
                "stages": [self.salted.to_dict(), self.merge.to_dict()]}

    def sentence(self) -> str:
        return (f"salting {len(self.salted_keys)} hot key(s) ({self.salted_share:.0%} of records) over "
                f"{self.salt} sub-keys: max/mean {self.unsalted.max_mean:.2f} → {self.salted.max_mean:.2f}; "
                f"the merge stage takes {self.merge.records_in:,} partial rows (max/mean "
                f"{self.merge.max_mean:.2f})")


def _hot(counts: KeyCounts, workers: int, threshold: float | None, top_k: int | None) -> np.ndarray:
    if top_k is not None:
        if isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1:
            raise InvalidConfigError(f"top-k must be an integer >= 1, got {top_k!r}")
        return np.argsort(-counts.counts, kind="stable")[:top_k]
    share = 1.0 / workers if threshold is None else threshold
    if not 0 < share < 1:
        raise InvalidConfigError(f"the hot-key threshold is a share of records in (0, 1), got {threshold!r}")
    return np.flatnonzero(counts.counts > share * counts.records)


def salting(counts: KeyCounts, workers: int, salt: int, *, threshold: float | None = None,
            top_k: int | None = None, mode: str = "round_robin", seed: int = 0, emissions: int = 1,
            placement: Placement | None = None, hasher: Hasher = mmh3_hasher) -> SaltingResult:
    """Salt the keys above ``threshold`` of the records (default ``1/W``) or the ``top_k`` hottest."""
    w = check_workers(workers)
    if isinstance(salt, bool) or not isinstance(salt, int) or not 2 <= salt <= MAX_SALT:
        raise InvalidConfigError(f"salt (sub-keys per hot key) must be an integer 2..{MAX_SALT}, "
                                 f"got {salt!r}")
    if mode not in ("round_robin", "random"):
        raise InvalidConfigError(f"salting mode must be round_robin or random, got {mode!r}")
    if isinstance(emissions, bool) or not isinstance(emissions, int) or emissions < 1:
        raise InvalidConfigError(f"emissions (windows or updates per key) must be an integer >= 1, "
                                 f"got {emissions!r}")
    if counts.keys == 0:
        raise InvalidConfigError("salting needs records: the stream had none")
    place = placement or ModHash()
    hot = _hot(counts, w, threshold, top_k)
    owners = place.place(counts.hashes, w)
    cold = np.ones(counts.keys, dtype=bool)
    cold[hot] = False
    c = counts.counts[hot]
    if mode == "round_robin":
        split = c[:, None] // salt + (np.arange(salt)[None, :] < (c % salt)[:, None])
    else:
        rng = np.random.default_rng(seed)
        split = np.stack([rng.multinomial(int(x), np.full(salt, 1.0 / salt)) for x in c]) if c.size else \
            np.zeros((0, salt), np.int64)
    # Sub-key (key, j) hashes as a two-column key: the salt is one more GROUP BY column.
    salts = np.tile(np.array([str(j) for j in range(salt)], dtype=object), len(hot))
    cols = [*(np.repeat(v[hot], salt) for v in counts.values), salts]
    sub_owner = place.place(np.asarray(hasher(cols), np.int64), w) if len(hot) else np.zeros(0, np.int64)
    stage1 = (worker_loads(owners[cold], counts.counts[cold], w)
              + worker_loads(sub_owner, split.reshape(-1), w))
    rows = np.ones(counts.keys, dtype=np.int64)
    rows[hot] = (split > 0).sum(axis=1)
    merge = worker_loads(owners, rows * emissions, w)
    return SaltingResult(w, salt, mode, place.name, tuple(counts.label(int(i)) for i in hot),
                         float(c.sum()) / counts.records, emissions,
                         stage_loads("aggregate (unsalted)", "hash", worker_loads(owners, counts.counts, w)),
                         stage_loads("salted aggregate", "hash", stage1),
                         stage_loads("merge", "hash", merge))
