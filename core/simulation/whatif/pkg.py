"""Partial key grouping (Nasir et al., ICDE 2015): each key has ``d`` candidate workers.

Every sender (a source worker, ``partition % W``) sends each record to whichever of its key's
candidates *it* has sent fewer records to so far (ties: the first candidate). Candidate 0 is the
placement's own worker, so ``d = 1`` is plain hashing; candidates 1.. come from re-mixing the key's
hash. A key then lives on up to ``d`` workers and its state needs a merge.

The greedy choice is sequential per record. It runs in chunks of ``chunk`` records decided against
the senders' counts at the chunk's start (numpy per chunk): ``chunk = 1`` is the exact greedy;
larger chunks are faster and see counts at most ``chunk`` records stale. Any d-choice scheme obeys
``I/m >= p1/d - 1/W`` (I = max - mean, p1 the hottest key's share): the hottest key's records
land on at most d workers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.errors import InvalidConfigError
from core.simulation.whatif.keys import Hasher, KeyEncoder, encoded, mmh3_hasher
from core.simulation.whatif.placement import ModHash, Placement, check_workers
from core.simulation.whatif.stage import StageLoads, stage_loads, worker_loads
from core.workload.batch import Batch

__all__ = ["PkgResult", "partial_key_grouping", "candidates", "DEFAULT_CHUNK", "MAX_CHOICES"]

DEFAULT_CHUNK = 128
MAX_CHOICES = 64
_U32 = np.uint64(0xFFFFFFFF)


@dataclass(frozen=True)
class PkgResult:
    workers: int
    choices: int
    chunk: int
    placement: str
    hashed: StageLoads  # plain hashing (candidate 0 only)
    pkg: StageLoads
    hottest_share: float
    bound: float  # p1/d - 1/W
    hash_bound: float  # p1 - 1/W
    split_keys: int  # keys that really used more than one worker
    merge_rows: int  # (key, worker) state entries to merge

    @property
    def imbalance_ratio(self) -> float:
        return self.pkg.skew["imbalance_ratio"]

    def to_dict(self) -> dict[str, Any]:
        return {"workers": self.workers, "choices": self.choices, "chunk": self.chunk,
                "placement": self.placement, "hottest_share": self.hottest_share,
                "imbalance_ratio": self.imbalance_ratio, "bound": self.bound,
                "hash_imbalance_ratio": self.hashed.skew["imbalance_ratio"], "hash_bound": self.hash_bound,
                "split_keys": self.split_keys, "merge_rows": self.merge_rows,
                "hashed": self.hashed.to_dict(), "stages": [self.pkg.to_dict()]}

    def sentence(self) -> str:
        return (f"partial key grouping (d={self.choices}): I/m {self.imbalance_ratio:.4f} (bound "
                f"p1/d − 1/W = {self.bound:.4f}) vs {self.hashed.skew['imbalance_ratio']:.4f} hashed (bound "
                f"{self.hash_bound:.4f}); {self.split_keys:,} keys on several workers need a merge")


def _fmix(h: np.ndarray) -> np.ndarray:
    h = h & _U32
    h ^= h >> np.uint64(16)
    h = (h * np.uint64(0x85EBCA6B)) & _U32
    h ^= h >> np.uint64(13)
    h = (h * np.uint64(0xC2B2AE35)) & _U32
    h ^= h >> np.uint64(16)
    return h


def candidates(hashes: np.ndarray, workers: int, d: int, placement: Placement | None = None) -> np.ndarray:
    """``(keys, d)`` candidate workers: the placement's worker, then ``d - 1`` re-mixed hashes mod W."""
    place = placement or ModHash()
    h = np.asarray(hashes, dtype=np.int64)
    out = np.empty((h.size, d), dtype=np.int64)
    out[:, 0] = place.place(h, workers)
    base = h.astype(np.uint64) & _U32
    for i in range(1, d):
        mixed = _fmix(base ^ np.uint64((0x9E3779B9 * i) & 0xFFFFFFFF))
        out[:, i] = (mixed % np.uint64(workers)).astype(np.int64)
    return out


def partial_key_grouping(batches: Iterable[Batch], key_columns: Sequence[str], workers: int, *,
                         d: int = 2, chunk: int = DEFAULT_CHUNK, placement: Placement | None = None,
                         hasher: Hasher = mmh3_hasher) -> PkgResult:
    """Replay ``batches`` with ``d`` choices per key (``d = 2`` is PKG); senders are ``partition % W``."""
    w = check_workers(workers)
    if isinstance(d, bool) or not isinstance(d, int) or not 1 <= d <= MAX_CHOICES:
        raise InvalidConfigError(f"choices d must be an integer 1..{MAX_CHOICES}, got {d!r}")
    if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1:
        raise InvalidConfigError(f"chunk must be an integer >= 1 records, got {chunk!r}")
    place: Placement = placement or ModHash()
    enc = KeyEncoder(key_columns, hasher)
    sent = np.zeros((w, w), dtype=np.int64)  # sender × worker: each sender's own counts
    loads = np.zeros(w, dtype=np.int64)
    cands = np.zeros((0, d), dtype=np.int64)
    used = np.zeros((0, d), dtype=bool)
    for keys, partition in encoded(batches, enc):
        if enc.size > len(cands):
            cands = np.concatenate([cands, candidates(enc.hashes[len(cands):], w, d, place)])
            used = np.concatenate([used, np.zeros((enc.size - len(used), d), dtype=bool)])
        senders = partition % w
        for lo in range(0, len(keys), chunk):
            k, s = keys[lo: lo + chunk], senders[lo: lo + chunk]
            options = cands[k]
            pick = np.argmin(sent[s[:, None], options], axis=1)
            target = options[np.arange(len(k)), pick]
            np.add.at(sent, (s, target), 1)
            loads += np.bincount(target, minlength=w)
            used[k, pick] = True
    kc = enc.counts()
    if kc.keys == 0:
        raise InvalidConfigError("partial key grouping needs records: the stream had none")
    hashed = worker_loads(cands[:, 0], kc.counts, w)
    # Two candidates may be the same worker: count distinct workers a key really used.
    workers_used = np.array([len(set(cands[i, used[i]].tolist())) for i in np.flatnonzero(used.sum(1) > 1)],
                            dtype=np.int64)
    p1 = float(kc.counts.max()) / kc.records
    return PkgResult(w, d, chunk, place.name, stage_loads("aggregate (hashed)", "hash", hashed),
                     stage_loads("aggregate (partial key grouping)", "hash", loads), p1, p1 / d - 1 / w,
                     p1 - 1 / w, int((workers_used > 1).sum()),
                     int(kc.keys - workers_used.size + workers_used.sum()))
