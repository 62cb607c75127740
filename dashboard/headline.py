"""The Analyze page's headline, truthfully: the correctness-first tree recommends; every other pick that
differs (the seed design's tree, the tree you selected, your override) is shown beside it with a verdict
in words — and a strategy the analysis or the replay judges wrong is never called recommended or best.

Pure (no Streamlit): the verdicts come from core's co-location checks (``core.decide.correctness``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from core.decide import broken_needs, co_locates, needs

__all__ = ["Verdict", "Pick", "Headline", "judge", "headline", "replay_verdicts", "trusted_best",
           "RECOMMENDING_TREE"]

# The correctness-first preset: it never answers a strategy its own validation says is wrong.
RECOMMENDING_TREE = "extended"
_HASHING = ("always_hash", "smart_repartition")


@dataclass(frozen=True)
class Verdict:
    """``kind``: "correct", "wrong" or "unknown" (depends on an undeclared source key); ``because``
    a clause a reader can check."""

    kind: str
    because: str

    @property
    def wrong(self) -> bool:
        return self.kind == "wrong"


@dataclass(frozen=True)
class Pick:
    """Another pick than the recommendation: who made it, what it is and whether it is right here."""

    who: str
    strategy: str
    verdict: Verdict

    def sentence(self) -> str:
        if self.verdict.kind == "wrong":
            return f"{self.who} {self.strategy}: wrong here because {self.verdict.because}."
        if self.verdict.kind == "unknown":
            return f"{self.who} {self.strategy}: correct only if {self.verdict.because}."
        return f"{self.who} {self.strategy}: also correct here, {self.verdict.because}."


@dataclass(frozen=True)
class Headline:
    strategy: str
    routing_keys: tuple[str, ...]
    verdict: Verdict  # of the recommendation itself (wrong only if even the safe tree has no answer)
    others: tuple[Pick, ...]


def judge(profile: Any, strategy: str, routing_keys: Sequence[str], sources: Mapping[str, Any]) -> Verdict:
    """Whether ``strategy`` gives this statement's results, by the analysis's co-location rules."""
    broken = broken_needs(profile, strategy, routing_keys, sources)
    if broken:
        need, why = broken[0]
        return Verdict("wrong", f"{why}, so {need.outcome}")
    for need in needs(profile):
        if co_locates(strategy, routing_keys, need, sources) is None:
            keys = ", ".join(dict.fromkeys(need.keys))
            return Verdict("unknown", f"the source is keyed by ({keys}), which nothing declares")
    if strategy == "fan_in" and needs(profile):
        return Verdict("correct", "one worker sees every record")
    if strategy in _HASHING and not routing_keys and needs(profile):
        return Verdict("correct", "it hashes no column, so every record lands on one worker (not parallel)")
    return Verdict("correct", "equal keys meet on one worker" if needs(profile) else "no clause keeps state")


_OVERRIDE_WHO = {
    "caller": "You set",
    "annotation": "The SQL's -- @partitioning_strategy annotation sets",
    "with": "The statement's WITH ('partitioning_strategy') property sets",
}


def headline(statement: Any, presets: Mapping[str, Any], sources: Mapping[str, Any]) -> Headline:
    """The recommendation (the correctness-first tree's pick, whatever tree or override is in effect)
    and each differing pick: your override, the tree you selected, the seed design's tree."""
    chosen = statement.decision
    profile = statement.profile
    recommended = presets.get(RECOMMENDING_TREE)
    if recommended is None or chosen.tree == RECOMMENDING_TREE and chosen.decided_by == "tree":
        recommended = chosen
    keys = tuple(recommended.routing_keys)
    others: list[Pick] = []
    seen = {recommended.strategy}

    def add(who: str, decision: Any) -> None:
        if decision.strategy in seen:
            return
        verdict = judge(profile, decision.strategy, decision.routing_keys or keys, sources)
        seen.add(decision.strategy)
        others.append(Pick(who, decision.strategy, verdict))

    if chosen.decided_by != "tree":
        add(_OVERRIDE_WHO.get(chosen.decided_by, "Your input sets"), chosen)
    elif chosen.tree == "seed":
        add("The seed design's tree (the one you selected) picks", chosen)
    elif chosen.tree != RECOMMENDING_TREE:
        add(f"The {chosen.tree} tree you selected picks", chosen)
    seed = presets.get("seed")
    if seed is not None and not (chosen.tree == "seed" and chosen.decided_by == "tree"):
        add("The seed design picks", seed)
    verdict = judge(profile, recommended.strategy, keys, sources)
    return Headline(recommended.strategy, keys, verdict, tuple(others))


def replay_verdicts(
    result: Mapping[str, Any], statement: Any, sources: Mapping[str, Any], routing_keys: Sequence[str]
) -> dict[str, Verdict]:
    """Each replayed strategy's verdict: wrong when the replay saw wrong rows *or* the analysis says so
    (a replay can miss what it does not simulate, e.g. a join's second source)."""
    out: dict[str, Verdict] = {}
    for name, metrics in result["strategies"].items():
        if not metrics["correct"]:
            out[name] = Verdict("wrong", str(metrics["verdict"]))
            continue
        keys = routing_keys if name in _HASHING else ()
        analysed = judge(statement.profile, name, keys, sources)
        out[name] = analysed if analysed.wrong else Verdict("correct", str(metrics["verdict"]))
    return out


def trusted_best(result: Mapping[str, Any], verdicts: Mapping[str, Verdict], recommended: str) -> str | None:
    """The highest modeled throughput among strategies nobody judges wrong (ties: the recommendation)."""
    fine = [(name, m) for name, m in result["strategies"].items()
            if name in verdicts and not verdicts[name].wrong]
    if not fine:
        return None
    return max(fine, key=lambda item: (float(item[1]["modeled_throughput"] or 0), item[0] == recommended))[0]
