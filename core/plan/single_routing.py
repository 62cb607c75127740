"""The single-routing answer (the seed's model): one routing of the source records for the whole
statement, on keys every stateful operator shares, or none (then only one place is correct)."""

from __future__ import annotations

from dataclasses import dataclass

from core.plan.builder import PlannedStatement

__all__ = ["SingleRouting", "single_routing"]

_DERIVED = ("expr:", "out:", "wb:", "syn:", "unnest:")


@dataclass(frozen=True)
class SingleRouting:
    """``keys``: route on these (empty: no stateful operator, any routing is correct); None: no
    routing keeps every operator's groups together, so one place must see every record."""

    keys: tuple[str, ...] | None
    reason: str
    stateful: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (kind, keys) per stateful operator


def single_routing(planned: PlannedStatement) -> SingleRouting:
    """The largest key set contained in every stateful operator's keys (through lineage)."""
    ops = planned.plan.operators
    atoms = planned.atoms
    stateful = tuple((ops[op].kind, ops[op].keys) for op, _ in planned.stages)
    if not planned.stages:
        return SingleRouting((), "no stateful operator: every routing keeps the results correct", stateful)
    shared: list[str] | None = None
    for op, key_sets in planned.stages:
        if key_sets is None:
            return SingleRouting(None, f"{ops[op].detail} needs one place to see every record", stateful)
        classes = [atoms.find(a) for ks in key_sets for a in ks]
        shared = classes if shared is None else [c for c in shared if c in set(classes)]
    if not shared:
        needs = "; ".join(f"{ops[op].kind} needs ({', '.join(ops[op].keys)})" for op, _ in planned.stages)
        return SingleRouting(None, f"no key is shared by every stateful operator: {needs}", stateful)
    keys = tuple(dict.fromkeys(_display(atoms, root) for root in shared))
    return SingleRouting(keys, f"shared by all {len(planned.stages)} stateful operators", stateful)


def _display(atoms: object, root: str) -> str:
    members = sorted(atoms.members(root))  # type: ignore[attr-defined]
    source = [m for m in members if not m.startswith(_DERIVED)]
    return atoms.display(source[0] if source else root)  # type: ignore[attr-defined]
