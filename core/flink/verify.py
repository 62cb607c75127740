"""Compare Flink's exchanges with Partition Lab's, statement by statement.

Matching is by kind and keys, as multisets per statement: keys compare case-insensitively, without
table qualifiers or quotes, in any order; a Flink key also matches through the expression an upstream
Calc defines for it (``r = UPPER(region)`` matches a Partition Lab key ``UPPER(region)``). An exchange
on one side only is ``different`` unless a :class:`KnownDifference` covers it, in which case the
verdict carries that rule's sentence and does not count against ``agree``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.errors import PartitionLabError
from core.flink.explain import ScriptExplain
from core.flink.plan_text import FlinkExchange

__all__ = ["KnownDifference", "DEFAULT_RULES", "StatementVerdict", "compare_statement", "verify_report",
           "partition_lab_exchanges", "PlExchange", "verify_sql"]

PlExchange = tuple[str, tuple[str, ...]]  # (kind, keys) on Partition Lab's side

# Flink's distribution words → Partition Lab's exchange kinds.
_KIND = {"hash": "hash", "single": "single", "broadcast": "broadcast", "any": "rebalance"}


@dataclass(frozen=True)
class KnownDifference:
    """A deliberate difference: an exchange present on ``side`` only, of ``kind``, optionally feeding
    ``feeds`` (Flink's operator name), explained by ``sentence``."""

    side: str  # "flink" | "partition_lab"
    kind: str
    sentence: str
    feeds: str | None = None

    def covers(self, side: str, kind: str, feeds: str | None) -> bool:
        return side == self.side and kind == self.kind and (self.feeds is None or self.feeds == feeds)


DEFAULT_RULES: tuple[KnownDifference, ...] = (
    KnownDifference("flink", "hash", "Flink re-keys rows on the sink's primary key before an upsert sink "
                    "(SinkUpsertMaterializer); Partition Lab's plan ends at the last stateful operator.",
                    feeds="Sink"),
)


def _norm(key: str) -> str:
    key = key.replace("`", "").replace('"', "").strip().lower()
    if re.fullmatch(r"[\w$]+(\.[\w$]+)+", key):
        key = key.rsplit(".", 1)[-1]  # drop table qualifiers from a plain column
    return re.sub(r"\s+", "", key)


def _keys_match(flink: FlinkExchange, pl_keys: tuple[str, ...]) -> bool:
    if len(flink.keys) != len(pl_keys):
        return False
    exprs = flink.key_expressions or flink.keys
    options = [{_norm(k), _norm(e)} for k, e in zip(flink.keys, exprs, strict=True)]
    remaining = [_norm(k) for k in pl_keys]
    for choice in options:  # order-insensitive: each Flink key claims one Partition Lab key
        hit = next((k for k in remaining if k in choice), None)
        if hit is None:
            return False
        remaining.remove(hit)
    return True


@dataclass(frozen=True)
class StatementVerdict:
    index: int
    flink: tuple[FlinkExchange, ...]
    partition_lab: tuple[PlExchange, ...]
    verdicts: tuple[dict[str, Any], ...]
    notes: tuple[str, ...]

    @property
    def agree(self) -> bool:
        return all(v["verdict"] == "same" or v.get("rule") for v in self.verdicts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "flink": [{"kind": _KIND.get(e.kind, e.kind), "keys": list(e.keys), "feeds": e.feeds,
                       **({"key_expressions": list(e.key_expressions)}
                          if e.key_expressions and e.key_expressions != e.keys else {})} for e in self.flink],
            "partition_lab": [{"kind": k, "keys": list(keys)} for k, keys in self.partition_lab],
            "agree": self.agree,
            "notes": list(self.notes),
            "verdicts": list(self.verdicts),
        }


def compare_statement(index: int, flink: Sequence[FlinkExchange], partition_lab: Sequence[PlExchange],
                      rules: Sequence[KnownDifference] = DEFAULT_RULES,
                      notes: Sequence[str] = ()) -> StatementVerdict:
    """Pair each Partition Lab exchange with an unclaimed Flink exchange of the same kind and keys."""
    pl = [(k, tuple(keys)) for k, keys in partition_lab if k != "forward"]
    free = list(range(len(flink)))
    verdicts: list[dict[str, Any]] = []
    out_notes = list(notes)
    for j, (kind, keys) in enumerate(pl):
        hit = next((i for i in free if _KIND.get(flink[i].kind, flink[i].kind) == kind
                    and (kind != "hash" or _keys_match(flink[i], keys))), None)
        if hit is not None:
            free.remove(hit)
            verdicts.append({"flink": hit, "partition_lab": j, "verdict": "same"})
        else:
            shown = f"{kind}{list(keys) if keys else ''}"
            verdicts.append(_one_sided("partition_lab", j, kind, None, rules, out_notes,
                                       f"Partition Lab has {shown}; Flink does not"))
    for i in free:
        e = flink[i]
        kind = _KIND.get(e.kind, e.kind)
        verdicts.append(_one_sided("flink", i, kind, e.feeds, rules, out_notes,
                                   f"Flink has {kind}{list(e.keys) if e.keys else ''} into {e.feeds}; "
                                   "Partition Lab does not"))
    return StatementVerdict(index, tuple(flink), tuple(pl), tuple(verdicts), tuple(out_notes))


def _one_sided(side: str, pos: int, kind: str, feeds: str | None, rules: Sequence[KnownDifference],
               notes: list[str], what: str) -> dict[str, Any]:
    rule = next((r for r in rules if r.covers(side, kind, feeds)), None)
    verdict: dict[str, Any] = {"flink": pos if side == "flink" else None,
                               "partition_lab": pos if side == "partition_lab" else None,
                               "verdict": "different", "reason": what}
    if rule:
        verdict["rule"] = rule.sentence
        notes.append(f"{what} — known difference: {rule.sentence}")
    else:
        notes.append(what)
    return verdict


def partition_lab_exchanges(sql: str, dialect: str) -> list[list[PlExchange]]:
    """Partition Lab's exchanges per statement, from ``analyze(...).to_dict()``'s operator plans."""
    from core.decide import analyze

    result = analyze(sql, dialect=dialect, engine="flink")
    out: list[list[PlExchange]] = []
    statements: list[Any] = list(result.to_dict()["statements"])  # type: ignore[call-overload]
    for st in statements:
        plan = st.get("plan") if isinstance(st, dict) else None
        if not isinstance(plan, dict) or "exchanges" not in plan:
            raise PartitionLabError("this build has no operator plans yet (analyze gives no plan.exchanges); "
                                    "verify needs the plan layer — update Partition Lab")
        exchanges: list[dict[str, Any]] = list(plan["exchanges"])
        out.append([(str(e["kind"]), tuple(str(k) for k in e.get("keys", ()))) for e in exchanges])
    return out


def verify_report(explained: ScriptExplain, partition_lab: Sequence[Sequence[PlExchange]],
                  rules: Sequence[KnownDifference] = DEFAULT_RULES) -> dict[str, Any]:
    """The ``verify --json`` document. Statements pair up in order: Flink's explained queries with
    Partition Lab's statements (both skip DDL)."""
    if len(partition_lab) != len(explained.statements):
        raise PartitionLabError(f"Flink explained {len(explained.statements)} queries but Partition Lab "
                                f"planned {len(partition_lab)} statements; they cannot be paired")
    statements = [compare_statement(st.index, st.exchanges, pl, rules, st.notes).to_dict()
                  for st, pl in zip(explained.statements, partition_lab, strict=True)]
    return {"engine": "flink", "flink_version": explained.flink_version, "statements": statements,
            "substituted_sources": [s.describe() for s in explained.substitutions]
            + [t.describe() for t in explained.inferred],
            "timings": {k: round(v, 3) for k, v in explained.timings.items()}}


def verify_sql(sql: str, dialect: str = "flink", *, timeout_s: float = 180.0) -> dict[str, Any]:
    """The whole check for one script: Partition Lab's plan first (a bad script fails before any JVM
    starts), then one Flink JVM that explains every query, then :func:`verify_report`'s document.

    Raises :class:`~core.flink.errors.FlinkUnavailableError` (with the install line) without PyFlink,
    :class:`~core.flink.errors.FlinkRejectedError` with Flink's message for a statement it rejects."""
    from core.flink.explain import explain_script
    from core.flink.runner import FlinkSession, require_flink

    if dialect != "flink":
        raise PartitionLabError(f"Flink's planner reads Flink SQL only; this script's dialect is {dialect!r} "
                                "(choose the flink dialect to check it with Flink)")
    require_flink()
    ours = partition_lab_exchanges(sql, dialect)
    with FlinkSession(start_timeout_s=timeout_s, timeout_s=timeout_s) as session:
        explained = explain_script(sql, session)
    return verify_report(explained, ours)
