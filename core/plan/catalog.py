"""The script's catalog: every source and sink, what is known of it, and where each fact came from.

DDL declares tables; the caller, annotations and upstream statements (lineage) add or override
facts with the precedence of DESIGN.md: caller > annotation > DDL > lineage. Entries are keyed by
their normalized name (lower case, unquoted); ``TableDef.name`` keeps the written spelling.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from core.model.catalog import Column, FactOrigin, TableDef
from core.model.decision import SourceMeta
from core.model.names import source_key
from core.model.profile import QueryProfile, output_key

__all__ = ["ddl_metas", "build_catalog", "unknown_key_columns"]

_PRODUCERS = ("murmur2", "crc32", "sticky", "round_robin")
_KIND = {"create_stream": "stream", "create_table": "table", "create_view": "view", "insert": "sink",
         "select": "sink"}


def ddl_metas(tables: Sequence[TableDef]) -> dict[str, SourceMeta]:
    """What DDL says about how each declared topic is partitioned, as alignment metadata."""
    out: dict[str, SourceMeta] = {}
    for t in tables:
        producer = t.partitioner if t.partitioner in _PRODUCERS else None
        out[source_key(t.name)] = SourceMeta(t.name, t.key, t.partitions, producer, origin="ddl")  # type: ignore[arg-type]
    return out


def _origin(meta: SourceMeta) -> FactOrigin:
    return "lineage" if meta.origin in ("lineage", "inferred") else meta.origin  # type: ignore[return-value]


def _merge(entry: TableDef, meta: SourceMeta) -> TableDef:
    """Facts from the statements' view of a source, each recorded with its origin."""
    origin = _origin(meta)
    origins = dict(entry.origins)
    changes: dict[str, object] = {}
    if meta.key_columns and tuple(meta.key_columns) != entry.key:
        changes["key"] = tuple(meta.key_columns)
        origins["key"] = origin
    if meta.partitions is not None and meta.partitions != entry.partitions:
        changes["partitions"] = meta.partitions
        origins["partitions"] = "caller" if origin != "annotation" else "annotation"
    if meta.producer is not None and meta.producer != entry.partitioner:
        changes["partitioner"] = meta.producer
        origins["partitioner"] = origin
    return replace(entry, origins=origins, **changes)  # type: ignore[arg-type]


def build_catalog(
    tables: Sequence[TableDef],
    profiles: Sequence[QueryProfile],
    metas: Sequence[Mapping[str, SourceMeta]],
) -> dict[str, TableDef]:
    """Every table the script declares, reads or writes, with merged facts (see module docstring).

    ``metas`` are the per-statement source metadata of :func:`core.decide.source_metadata`,
    already resolved with the precedence above; a source's last reading statement wins.
    """
    catalog: dict[str, TableDef] = {}
    for t in tables:
        base = {f: "ddl" for f, v in (("key", t.key), ("partitions", t.partitions),
                                      ("partitioner", t.partitioner)) if v}
        catalog[source_key(t.name)] = replace(t, origins={**base, **t.origins})  # type: ignore[dict-item]
    for profile, statement_metas in zip(profiles, metas, strict=True):
        for written in profile.sources:
            name = source_key(written)
            meta = statement_metas.get(name)
            if name not in catalog:
                if meta is None:
                    catalog[name] = TableDef(written, kind="stream", source="lineage", line=profile.line)
                    continue
                catalog[name] = TableDef(written, kind="stream", source=_origin(meta), line=profile.line)
            if meta is not None:
                catalog[name] = _merge(catalog[name], meta)
        sink = profile.sink or (profile.name if profile.kind != "select" else None)
        if sink and source_key(sink) not in catalog:
            key = output_key(profile)
            catalog[source_key(sink)] = TableDef(
                sink, kind=_KIND.get(profile.kind, "sink"),  # type: ignore[arg-type]
                columns=tuple(Column(c) for c in profile.select_columns if c != "*"),
                key=key, primary_key=tuple(profile.primary_key), source="lineage", line=profile.line,
                origins={"key": "lineage"} if key else {},
            )
    return catalog


def unknown_key_columns(catalog: Mapping[str, TableDef], caller: Sequence[SourceMeta]) -> list[str]:
    """Warnings for caller key columns a declared table does not have (a stale or mistyped key)."""
    warnings: list[str] = []
    for meta in caller:
        targets = [catalog[source_key(meta.name)]] if meta.name and source_key(meta.name) in catalog \
            else ([] if meta.name else list(catalog.values()))
        for table in targets:
            if not table.columns or table.source != "ddl":
                continue
            declared = {col.name.lower() for col in table.columns}
            missing = [c for c in meta.key_columns if c.lower() not in declared]
            if missing:
                shown = ", ".join(c.name for c in table.columns[:12])
                warnings.append(f"the source key names {', '.join(missing)}, but {table.name} (line "
                                f"{table.line}) has no such column; its columns are {shown}")
    return warnings
