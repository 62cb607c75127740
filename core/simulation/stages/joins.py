"""Judge the five single-routing strategies on a join by the matches their workers produce.

Single routing sends every record of *both* inputs once, with one strategy (one job-wide round-robin
counter for both); each worker joins the left and right records it holds. A worker produces the
pairs whose two records it both got; the reference (one place) produces every pair. So, per join
key ``j`` and worker ``w`` with ``L[j, w]`` left and ``R[j, w]`` right records:

* inner (also interval, temporal, lateral: equi keys only): emitted ``Σ L·R``, reference
  ``Σ_j L[j]·R[j]``; the difference are **missing join matches**;
* outer joins also emit a NULL-padded row for a record with no partner *on its worker*: where the
  key has partners elsewhere, that row is an **extra** one;
* semi / anti: a left record is emitted when it finds (does not find) a partner on its worker.

A side read from a table keyed by the join key (primary key) holds one version per key: it
counts at most once per key and worker. A window join (a windowed statement without an aggregate)
matches within the same window slot. Counts live per distinct (key, worker): memory is bounded by
the distinct keys, not by the records.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from core.simulation.config import SimulationConfig
from core.simulation.coordinator import StrategyRun
from core.simulation.result import StrategyMetrics
from core.simulation.stages.operators import _join_kind
from core.simulation.stages.table import pack
from core.strategies.base import RoutingContext
from core.strategies.factory import make_strategy
from core.workload.batch import Batch

__all__ = ["JoinVerdict", "JoinJudge", "apply"]


@dataclass(frozen=True)
class JoinVerdict:
    join: str  # the join operator's detail
    reference: int  # rows one place emits
    emitted: int  # rows the workers emit together
    missing: int
    extra: int
    per_worker: tuple[int, ...]
    only_join: bool  # the statement has no other stateful operator: this verdict is the statement's
    input_loads: tuple[int, ...] = ()  # records of both inputs each worker received

    @property
    def correct(self) -> bool:
        return self.missing == 0 and self.extra == 0

    def sentence(self) -> str:
        if self.correct:
            return (f"correct: every join match produced on exactly one worker ({self.reference:,} rows of "
                    f"the {self.join})")
        parts = []
        if self.missing:
            parts.append(f"missing join matches: {self.missing:,} of {self.reference:,} rows of the "
                         f"{self.join} "
                         "never produced (records with equal keys sit on different workers)")
        if self.extra:
            parts.append(f"{self.extra:,} extra join rows (NULL-padded or unmatched rows emitted because the "
                         "partner sat on another worker)")
        return "; ".join(parts) + " — route both inputs by the join key (hash) or to one place (fan_in)"


class _Counts:
    """Records per (join key, worker), growing with the distinct keys."""

    def __init__(self, workers: int) -> None:
        self.w = workers
        self.table = np.zeros((0, workers), np.int64)

    def add(self, key: np.ndarray, worker: np.ndarray, keys: int) -> None:
        if keys > len(self.table):
            grown = np.zeros((max(keys, 2 * len(self.table)), self.w), np.int64)
            grown[: len(self.table)] = self.table
            self.table = grown
        flat = np.bincount(key * self.w + worker, minlength=keys * self.w)
        self.table[:keys] += flat[: keys * self.w].reshape(keys, self.w)


class JoinJudge:
    """Feed both inputs' batches (:meth:`add`), then :meth:`verdicts` per strategy."""

    def __init__(self, op: int, detail: str, sides: tuple[int, int], columns: tuple[tuple[str, ...], ...],
                 written: tuple[Mapping[str, str], Mapping[str, str]], runs: list[StrategyRun],
                 config: SimulationConfig, versioned: tuple[bool, bool], windowed: bool, only_join: bool
                 ) -> None:
        self.op, self.detail, self.sides, self.columns = op, detail, sides, columns
        self.kind, self.versioned, self.windowed, self.only_join = _join_kind(detail), versioned, windowed, \
            only_join
        self.w = config.workers
        self._ids: dict[tuple[int, ...], int] = {}  # multi-column keys
        self._raw, self._dense = np.zeros(0, np.int64), np.zeros(0, np.int64)  # one-column keys
        self._next = 0
        self.runs = []
        for r in runs:
            aligned = bool(getattr(r.strategy, "aligned", False))
            options: dict[str, object] = {"aligned": aligned} if r.name == "smart_repartition" else {}
            if r.name == "fan_in":
                options = {"target": config.fan_in_target, "workers": config.workers}
            strategy = make_strategy(r.name, **options)
            ctxs = tuple(self._context(r.ctx, side, written) for side in (0, 1))
            self.runs.append((r.name, strategy, ctxs, (_Counts(self.w), _Counts(self.w))))

    def _context(self, ctx: RoutingContext, side: int, written: tuple[Mapping[str, str], Mapping[str, str]]
                 ) -> RoutingContext:
        """The strategy's routing keys as this side's columns (a join column maps to its partner)."""
        mine, other = written[side], written[1 - side]
        by_lower = {w.lower(): w for w in mine.values()}
        pairs = {other[b].lower(): mine[a] for a, b in zip(self.columns[side], self.columns[1 - side],
                                                             strict=True) if a in mine and b in other}
        keys = []
        for k in ctx.routing_keys:
            found = by_lower.get(k.lower()) or pairs.get(k.lower())
            if found and found not in keys:
                keys.append(found)
        if ctx.routing_keys and not keys:
            keys = [mine[c] for c in self.columns[side] if c in mine]
        return replace(ctx, routing_keys=tuple(keys), key_types=tuple(None for _ in keys))

    def _key_ids(self, ids: Mapping[str, np.ndarray], side: int, slot: np.ndarray | None,
                 n: int) -> np.ndarray:
        """Dense join-key id per record (the same key gets the same id on both sides and in every batch)."""
        parts = [ids[c] for c in self.columns[side]]
        if slot is not None:
            parts.append(slot)
        if not parts:  # no equi key: one key for all records, every pair a candidate
            self._ids.setdefault((), 0)
            return np.zeros(n, np.int64)
        if len(parts) == 1:
            return self._single_ids(parts[0])
        # Distinct keys of the batch by one packed word (valid within this batch), then one dict
        # look-up per distinct key by its actual values (valid across batches and sides).
        _, first, inverse = np.unique(pack(parts), return_index=True, return_inverse=True)
        rows = zip(*(p[first].tolist() for p in parts), strict=True)
        dense = np.fromiter((self._ids.setdefault(r, len(self._ids)) for r in rows), np.int64, len(first))
        return dense[inverse.reshape(-1)]

    def _single_ids(self, raw: np.ndarray) -> np.ndarray:
        """Dense ids of a one-column key, vectorized: a sorted table of the raw ids seen so far."""
        uniq, inverse = np.unique(raw, return_inverse=True)
        pos = np.searchsorted(self._raw, uniq)
        known = pos < len(self._raw)
        known[known] = self._raw[pos[known]] == uniq[known]
        fresh = uniq[~known]
        if len(fresh):
            ids = np.arange(self._next, self._next + len(fresh), dtype=np.int64)
            self._next += len(fresh)
            raw_all, dense_all = np.concatenate([self._raw, fresh]), np.concatenate([self._dense, ids])
            order = np.argsort(raw_all, kind="stable")
            self._raw, self._dense = raw_all[order], dense_all[order]
            pos = np.searchsorted(self._raw, uniq)
        return self._dense[pos][inverse.reshape(-1)]

    @property
    def keys(self) -> int:
        return self._next + len(self._ids)

    def add(self, op: int, batch: Batch, ids: Mapping[str, np.ndarray], slot: np.ndarray | None) -> None:
        """Route one batch of input ``op`` (a side of the join) with every strategy and count."""
        side = self.sides.index(op)
        key = self._key_ids(ids, side, slot if self.windowed else None, len(batch))
        keys = self.keys
        for _, strategy, ctxs, counts in self.runs:
            worker = np.asarray(strategy.route(batch, ctxs[side]), dtype=np.int64)
            counts[side].add(key, worker, keys)

    def verdicts(self) -> dict[str, JoinVerdict]:
        out = {}
        n = self.keys
        for name, _, _, (lc, rc) in self.runs:
            left, right = _sized(lc.table, n, self.w), _sized(rc.table, n, self.w)
            loads = tuple(int(x) for x in left.sum(0) + right.sum(0))
            out[name] = replace(self._verdict(left, right), input_loads=loads)
        return out

    def _verdict(self, left: np.ndarray, right: np.ndarray) -> JoinVerdict:
        lw = np.minimum(left, 1) if self.versioned[0] else left
        rw = np.minimum(right, 1) if self.versioned[1] else right
        lt = np.minimum(left.sum(1), 1) if self.versioned[0] else left.sum(1)
        rt = np.minimum(right.sum(1), 1) if self.versioned[1] else right.sum(1)
        kind = self.kind
        if kind in ("semi", "anti"):
            hit = rw > 0 if kind == "semi" else rw == 0
            ref_hit = rt > 0 if kind == "semi" else rt == 0
            emitted = int((lw * hit).sum())
            reference = int((lt * ref_hit).sum())
            per = tuple(int(x) for x in (lw * hit).sum(0))
            missing, extra = max(reference - emitted, 0), max(emitted - reference, 0)
            return JoinVerdict(self.detail, reference, emitted, missing, extra, per, self.only_join)
        pairs = lw * rw
        emitted, reference = int(pairs.sum()), int((lt * rt).sum())
        per = pairs.sum(0)
        extra = 0
        if kind in ("left", "full"):
            padded = lw * (rw == 0)
            emitted += int(padded.sum())
            reference += int((lt * (rt == 0)).sum())
            extra += int((padded * (rt > 0)[:, None]).sum())
            per = per + padded.sum(0)
        if kind in ("right", "full"):
            padded = rw * (lw == 0)
            emitted += int(padded.sum())
            reference += int((rt * (lt == 0)).sum())
            extra += int((padded * (lt > 0)[:, None]).sum())
            per = per + padded.sum(0)
        missing = int((lt * rt).sum()) - int(pairs.sum())
        return JoinVerdict(self.detail, reference, emitted, missing, extra, tuple(int(x) for x in per),
                           self.only_join)


def _sized(table: np.ndarray, n: int, w: int) -> np.ndarray:
    if len(table) >= n:
        return table[:n]
    out = np.zeros((n, w), np.int64)
    out[: len(table)] = table
    return out


def apply(metrics: StrategyMetrics, verdict: JoinVerdict | None) -> StrategyMetrics:
    """The strategy's metrics with its join verdict: the statement's verdict when the join is its only
    stateful operator, else wrong when either the join or the rest is wrong."""
    if verdict is None:
        return metrics
    joined = replace(metrics, missing_join_matches=verdict.missing, extra_join_rows=verdict.extra,
                     join_rows=verdict.emitted, reference_join_rows=verdict.reference,
                     join_input_loads=verdict.input_loads)
    if verdict.only_join or not verdict.correct:
        return replace(joined, correct=verdict.correct, verdict=verdict.sentence())
    return joined
