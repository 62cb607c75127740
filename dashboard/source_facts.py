"""Source facts for the inputs: which typed source keys a new query no longer has, and where each source's
key comes from (DDL first, then what you typed, annotations, an upstream statement). Pure (no Streamlit).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from core.decide import parse_source_key
from core.errors import PartitionLabError

__all__ = ["StaleKey", "stale_keys", "key_problem", "facts_rows", "ORIGIN_WORDS"]

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# A star select may read columns the text never names: then nothing proves a key column missing.
_STAR = re.compile(r"(?:SELECT\s+(?:DISTINCT\s+)?|,\s*|\.)\*", re.IGNORECASE)

ORIGIN_WORDS = {
    "ddl": "its DDL",
    "caller": "you typed it",
    "annotation": "an annotation in the SQL",
    "lineage": "the statement that writes it",
}


@dataclass(frozen=True)
class StaleKey:
    item: str  # the typed ``[SOURCE=]COL[,COL]`` item
    reason: str


def key_problem(item: str) -> str | None:
    """Why a typed key item cannot be read (None when it can)."""
    try:
        parse_source_key(item)
    except PartitionLabError as error:
        return str(error)
    return None


def _columns(table: Any) -> set[str] | None:
    if getattr(table, "source", None) == "ddl" and table.columns:
        return {c.name.lower() for c in table.columns}
    return None


def stale_keys(items: Sequence[str], sql: str, analysis: Any) -> list[StaleKey]:
    """The typed items that name a source the query does not read, or a column its source does not
    have (its DDL's columns; without DDL, the columns the query text names — unless it selects ``*``)."""
    sources: list[str] = []
    for statement in analysis.statements:
        sources.extend(s for s in statement.profile.sources if s not in sources)
    catalog = {name.lower(): table for name, table in analysis.catalog.items()}
    words = {w.lower() for w in _WORD.findall(sql)}
    star = bool(_STAR.search(sql))
    found: list[StaleKey] = []
    for item in items:
        if key_problem(item) is not None:
            continue  # shown as a typing error, not silently dropped
        meta = parse_source_key(item)
        targets = [meta.name] if meta.name else sources
        if meta.name and meta.name.lower() not in {s.lower() for s in sources} | set(catalog):
            found.append(StaleKey(item, f"the query reads no source named {meta.name}"))
            continue
        for source in targets:
            table = catalog.get(source.lower())
            declared = _columns(table) if table is not None else None
            known = declared if declared is not None else (None if star else words)
            if known is None:
                continue
            missing = [c for c in meta.key_columns if c.lower() not in known]
            if missing:
                where = " in its DDL" if declared is not None else ""
                found.append(StaleKey(item, f"{source} has no column {', '.join(missing)}{where}"))
                break
    return found


def facts_rows(sources: Mapping[str, Any], catalog: Mapping[str, Any]) -> list[dict[str, str]]:
    """One row per source: its key, where that comes from, its partitions and producer."""
    rows = []
    for name, meta in sources.items():
        table = catalog.get(name)
        ddl_key = tuple(getattr(table, "key", ()) or ()) if getattr(table, "source", None) == "ddl" else ()
        origin = ORIGIN_WORDS.get(meta.origin, meta.origin) if meta.key_columns else "unknown: not declared"
        if meta.origin == "caller" and ddl_key and tuple(ddl_key) != tuple(meta.key_columns):
            origin += f" (overrides the DDL's {', '.join(ddl_key)})"
        rows.append({
            "source": str(name),
            "keyed by": ", ".join(meta.key_columns) or "—",
            "from": origin,
            "partitions": str(meta.partitions) if meta.partitions else "the Source partitions input",
            "producer": meta.producer or ("key hash" if meta.key_columns else "null keys (sticky)"),
        })
    return rows
