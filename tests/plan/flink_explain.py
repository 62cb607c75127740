"""Reading Flink's optimized physical plan: its Exchange nodes, keys named as the producer names them.

Flink names hash keys by the producing operator's output fields (``hash[r]`` where the Calc below says
``UPPER(region) AS r``; ``$f3`` for unnamed expressions). ``exchanges_of`` resolves a key to the
expression of the Calc right below the Exchange when that Calc computes it, so both sides compare
the key as written in the query (``upper(region)``); ``normalise_key`` lower-cases and drops spaces.
"""

from __future__ import annotations

import re

__all__ = ["exchanges_of", "normalise_key", "physical_section"]

_EXCHANGE = re.compile(r"Exchange\(distribution=\[(hash\[(?P<keys>[^\]]*)\]|(?P<other>\w+))\]")
_CALC_SELECT = re.compile(r"Calc\(select=\[(?P<items>.*?)\](?:, where=|\)$)")


def physical_section(explain: str) -> list[str]:
    """The lines of the '== Optimized Physical Plan ==' section."""
    lines = explain.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("== Optimized Physical Plan"))
    out: list[str] = []
    for ln in lines[start + 1:]:
        if ln.startswith("=="):
            break
        if ln.strip():
            out.append(ln)
    return out


def _split_items(text: str) -> list[str]:
    items, depth, cur = [], 0, ""
    for ch in text:
        depth += (ch in "([") - (ch in ")]")
        if ch == "," and depth == 0:
            items.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        items.append(cur.strip())
    return items


def _calc_aliases(line: str) -> dict[str, str]:
    m = _CALC_SELECT.search(line.strip())
    if not m:
        return {}
    out: dict[str, str] = {}
    for item in _split_items(m.group("items")):
        expr, sep, name = item.rpartition(" AS ")
        if sep and "(" in expr:
            out[name.strip()] = expr.strip()
    return out


def normalise_key(key: str) -> str:
    """Lower case, no spaces, no quotes: ``UPPER(region)`` and ``upper( region )`` compare equal."""
    return re.sub(r"[\s`\"]", "", key).lower()


def exchanges_of(explain: str) -> list[dict[str, object]]:
    """Every Exchange of the physical plan: kind, raw keys, keys resolved through the Calc below."""
    lines = physical_section(explain)
    found: list[dict[str, object]] = []
    for i, ln in enumerate(lines):
        m = _EXCHANGE.search(ln)
        if not m:
            continue
        child = lines[i + 1] if i + 1 < len(lines) else ""
        aliases = _calc_aliases(child) if child.strip().startswith("+- Calc(") or "Calc(" in child else {}
        if m.group("other"):
            found.append({"kind": m.group("other"), "raw": [], "keys": []})
            continue
        raw = [k.strip() for k in m.group("keys").split(",") if k.strip()]
        found.append({"kind": "hash", "raw": raw, "keys": [normalise_key(aliases.get(k, k)) for k in raw]})
    return found
