"""What a decision tree (or an override) concluded for one statement: data only (the deciding is
core/decide/selection.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from core.model.plan import Plan
from core.model.profile import QueryProfile

__all__ = ["SourceMeta", "PathStep", "Decision", "StatementAnalysis"]

DecidedBy = Literal["tree", "caller", "annotation", "with"]
Producer = Literal["murmur2", "crc32", "sticky", "round_robin"]


@dataclass(frozen=True)
class SourceMeta:
    """How a source topic is partitioned: key columns K, partition count P and producer."""

    name: str | None  # None: applies to every source of the statement
    key_columns: tuple[str, ...] = ()
    partitions: int | None = None
    producer: Producer | None = None  # None: a key-hashing producer is assumed when K is known
    origin: str = "caller"  # caller | annotation | ddl | lineage


@dataclass(frozen=True)
class PathStep:
    node: str
    question: str
    answer: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"node": self.node, "question": self.question, "answer": self.answer, "reason": self.reason}


@dataclass(frozen=True)
class Decision:
    strategy: str
    routing_keys: tuple[str, ...]
    decided_by: DecidedBy
    path: tuple[PathStep, ...]
    warnings: tuple[str, ...]
    aligned: bool | None
    tree: str = "seed"


@dataclass(frozen=True)
class StatementAnalysis:
    """A statement's profile and decision: what ``partition-lab analyze --json`` prints per statement."""

    profile: QueryProfile
    decision: Decision
    plan: Plan | None = None

    def to_dict(self) -> dict[str, object]:
        p, d = self.profile, self.decision
        out: dict[str, object] = {
            "index": p.index,
            "line": p.line,
            "name": p.name,
            "kind": p.kind,
            "sources": list(p.sources),
            "sink": p.sink,
            "group_by": list(p.group_by),
            "order_by": list(p.order_by),
            "window": p.window.to_dict() if p.window else None,
            "analytic": [a.to_dict() for a in p.analytic],
            "joins": [j.to_dict() for j in p.joins],
            "aggregates": [a.sql for a in p.aggregates],
            "global_aggregate": p.global_aggregate,
            "distinct": p.distinct,
            "limit": p.limit,
            "emit": p.emit,
            "annotations": dict(p.annotations),
            "aligned": d.aligned,
            "strategy": d.strategy,
            "routing_keys": list(d.routing_keys),
            "decided_by": d.decided_by,
            "path": [s.to_dict() for s in d.path],
            "warnings": list(d.warnings),
        }
        if self.plan is not None:
            out["plan"] = self.plan.to_dict()
        return out
