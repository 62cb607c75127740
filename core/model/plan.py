"""A statement's operator plan: operators with their input requirements, and the exchanges between them.

Operators are numbered in plan order (inputs before the operators that read them). An exchange sits on
the edge ``from → to`` where the output of ``from`` does not satisfy what ``to`` requires; a forward edge
is not an exchange and is not listed (DESIGN.md, analyze contract).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "OperatorKind",
    "ExchangeKind",
    "Requirement",
    "Distribution",
    "Operator",
    "Exchange",
    "Plan",
    "STATEFUL_KINDS",
    "PlanRules",
]

OperatorKind = Literal[
    "source", "calc", "union_all", "unnest", "sink", "join", "aggregate", "distinct", "union",
    "over", "rank", "match_recognize", "sort_limit", "limit", "sort", "expand",
]
ExchangeKind = Literal["hash", "single", "forward", "rebalance", "broadcast"]

# Operators that keep state per key and so need equal keys in one place.
STATEFUL_KINDS: frozenset[str] = frozenset({
    "join", "aggregate", "distinct", "union", "over", "rank", "match_recognize", "sort_limit", "limit",
    "sort",
})


@dataclass(frozen=True)
class Requirement:
    """What an operator needs of one input: ``hash`` on ``keys``, ``single`` (one place) or ``any``."""

    kind: Literal["hash", "single", "any"]
    keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class Distribution:
    """How an operator's output is spread: hashed on ``keys``, ``single``, or ``any`` (unknown/random)."""

    kind: Literal["hash", "single", "any"]
    keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class Operator:
    id: int
    kind: OperatorKind
    inputs: tuple[int, ...] = ()
    keys: tuple[str, ...] = ()
    detail: str = ""
    requires: tuple[Requirement, ...] = ()  # one per input, same order as ``inputs``
    table: str | None = None  # the catalog name a source reads / a sink writes

    @property
    def stateful(self) -> bool:
        return self.kind in STATEFUL_KINDS

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "kind": self.kind, "inputs": list(self.inputs), "keys": list(self.keys),
                "detail": self.detail}


@dataclass(frozen=True)
class Exchange:
    from_: int
    to: int
    kind: ExchangeKind
    keys: tuple[str, ...] = ()
    strategy: str = "always_hash"
    reason: str = ""

    def to_dict(self) -> dict[str, object]:
        return {"from": self.from_, "to": self.to, "kind": self.kind, "keys": list(self.keys),
                "strategy": self.strategy, "reason": self.reason}


@dataclass(frozen=True)
class Plan:
    engine: str
    operators: tuple[Operator, ...] = ()
    exchanges: tuple[Exchange, ...] = ()

    def operator(self, op_id: int) -> Operator:
        return self.operators[op_id]

    def to_dict(self) -> dict[str, object]:
        return {"engine": self.engine, "operators": [o.to_dict() for o in self.operators],
                "exchanges": [e.to_dict() for e in self.exchanges]}


@dataclass(frozen=True)
class PlanRules:
    """Where an engine re-distributes records between operators (each engine module holds its own).

    - ``trusts_source_key``: a source keyed by K counts as hash(K) (Flink and Spark never trust it);
    - ``subset_satisfies``: hash(K) satisfies hash(G) when K ⊆ G (else only K == G: Flink's and
      Spark's stateful operators, ksqlDB's "GROUP BY exactly the message key");
    - ``global_order_by``: ORDER BY without LIMIT needs one place (else order is kept per partition);
    - ``window_in_hash_key``: a windowed aggregate hashes on the window too (Spark);
    - ``grouping_id_key``: the extra hash key after grouping sets expand (Flink ``$e``);
    - ``skips_aligned_shuffle``: a hash exchange right after a source is smart_repartition;
    - ``keyed_outputs_distributed``: a keyed operator's output counts as hashed on its keys (Flink's
      streaming planner does not carry that forward: the next keyed operator hashes again).
    """

    engine: str
    trusts_source_key: bool
    subset_satisfies: bool
    global_order_by: bool
    window_in_hash_key: bool = False
    grouping_id_key: str | None = None
    skips_aligned_shuffle: bool = False
    keyed_outputs_distributed: bool = True
    description: str = ""
