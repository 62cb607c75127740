"""Which source topics are already partitioned by a statement's keys (DESIGN.md, *Alignment*).

Metadata per source comes from the caller, from annotations or is inferred from an earlier
statement of the same file; precedence caller > annotation > inferred. A key set ``G`` is aligned
with a source keyed by ``K`` when ``K`` is non-empty, every column of ``K`` is a plain column of
``G`` (case-insensitive, no qualifier) and the producer hashed the key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from core.errors import InvalidConfigError
from core.model.decision import SourceMeta
from core.model.names import norm, source_key
from core.model.profile import QueryProfile, is_plain_column, output_key

__all__ = [
    "ALL_SOURCES",
    "norm",
    "source_key",
    "parse_source_key",
    "source_metadata",
    "is_aligned",
    "alignment_of",
    "explain_alignment",
    "describe_source",
    "declare_hint",
    "ORIGIN_WORDS",
]

# Key under which metadata that names no source is stored: it applies to every source.
ALL_SOURCES = "*"

_COLUMN_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*$")
_SOURCE_RE = re.compile(r"^[A-Za-z0-9_$][A-Za-z0-9_$.\-]*$")
_KEY_HASHING_PRODUCERS = (None, "murmur2", "crc32")


def parse_source_key(text: str) -> SourceMeta:
    """Parse a caller's ``[SOURCE=]COL[,COL]`` into metadata.

    >>> parse_source_key("trades=symbol,venue").key_columns
    ('symbol', 'venue')
    """
    fix = "expected [SOURCE=]COL[,COL], e.g. --source-key trades=symbol or --source-key symbol,venue"
    source, sep, columns = text.strip().rpartition("=")
    source = source.strip()
    if sep and not _SOURCE_RE.match(source):
        raise InvalidConfigError(f"source key {text!r}: source name {source!r} is not valid; {fix}")
    names = tuple(c.strip() for c in columns.split(","))
    bad = [c for c in names if not _COLUMN_RE.match(c)]
    if bad:
        raise InvalidConfigError(f"source key {text!r}: column {bad[0]!r} is not a plain column name; {fix}")
    return SourceMeta(name=source or None, key_columns=names, origin="caller")


def _annotation_metas(profile: QueryProfile) -> list[SourceMeta]:
    """Metadata from ``-- @partitioned_by: [source.]col[, col]`` and ``-- @source_partitions: N``."""
    values = {k.lower(): v for k, v in profile.annotations.items()}
    partitions = _annotation_partitions(profile, values.get("source_partitions"))
    spec = values.get("partitioned_by", "").strip()
    if not spec:
        return [SourceMeta(None, partitions=partitions, origin="annotation")] if partitions else []
    # An unqualified column belongs to the qualified one before it, else to every source.
    groups: dict[str | None, list[str]] = {}
    current: str | None = None
    for item in (i.strip() for i in spec.split(",")):
        qualifier, _, column = item.rpartition(".")
        if qualifier:
            current = qualifier
        if not _COLUMN_RE.match(column) or (qualifier and not _SOURCE_RE.match(qualifier)):
            raise InvalidConfigError(
                f"line {_line(profile, 'partitioned_by')}: @partitioned_by item {item!r} is not "
                "[source.]column; write e.g. -- @partitioned_by: trades.symbol"
            )
        groups.setdefault(current, []).append(column)
    return [
        SourceMeta(name, tuple(cols), partitions=partitions, origin="annotation")
        for name, cols in groups.items()
    ]


def _annotation_partitions(profile: QueryProfile, value: str | None) -> int | None:
    if value is None:
        return None
    if not value.strip().isdigit() or int(value) < 1:
        raise InvalidConfigError(
            f"line {_line(profile, 'source_partitions')}: @source_partitions must be a positive "
            f"integer, got {value!r}"
        )
    return int(value)


def _line(profile: QueryProfile, key: str) -> int:
    lines = {k.lower(): v for k, v in profile.annotation_lines.items()}
    return lines.get(key, profile.line)


def _written_stream(profile: QueryProfile) -> str | None:
    # A plain SELECT's name (from @name) labels the job, not a stream later statements can read.
    target = profile.sink or (profile.name if profile.kind != "select" else None)
    return source_key(target) if target else None


def _resolve(
    source: str,
    layers: Sequence[Mapping[str, SourceMeta]],
    partitions: int | None,
) -> SourceMeta | None:
    """Merge what the layers (highest precedence first) know: each fact from the first that has it."""
    metas = [m for layer in layers if (m := layer.get(source) or layer.get(ALL_SOURCES)) is not None]
    if not metas and partitions is None:
        return None
    keyed = next((m for m in metas if m.key_columns), None)
    base = keyed or (metas[0] if metas else SourceMeta(source, origin="caller"))
    # The caller's --source-partitions outranks everything else, like every caller input.
    count = next((c for c in (partitions, *(m.partitions for m in metas)) if c is not None), None)
    producer = next((m.producer for m in metas if m.producer is not None), None)
    return replace(base, name=source, partitions=count, producer=producer)


def source_metadata(
    profiles: Sequence[QueryProfile],
    caller: Iterable[SourceMeta] = (),
    partitions: int | None = None,
    ddl: Mapping[str, SourceMeta] | None = None,
) -> list[dict[str, SourceMeta]]:
    """Per statement, the metadata of each source it reads (keys: normalized source names).

    Precedence: caller > annotation > DDL (``ddl``, by normalized name) > lineage from an upstream
    statement. A caller entry that names no source applies to sources not written earlier in the
    file: a stream produced inside the file is better described by its producing statement.
    """
    declared = dict(ddl or {})
    named = {source_key(m.name): m for m in caller if m.name}
    unnamed = [m for m in caller if not m.name]
    inferred: dict[str, SourceMeta] = {}
    remembered: dict[str, SourceMeta] = {}  # qualified annotations hold for later statements too
    result: list[dict[str, SourceMeta]] = []
    for profile in profiles:
        annotated = {(source_key(m.name) if m.name else ALL_SOURCES): m for m in _annotation_metas(profile)}
        remembered.update({k: v for k, v in annotated.items() if k != ALL_SOURCES})
        metas: dict[str, SourceMeta] = {}
        for source in (source_key(s) for s in profile.sources):
            caller_layer = dict(named)
            if unnamed and source not in inferred and source not in declared:
                caller_layer.setdefault(ALL_SOURCES, unnamed[-1])
            layers = [caller_layer, annotated, remembered, declared, inferred]
            meta = _resolve(source, layers, partitions)
            if meta is not None:
                metas[source] = meta
        result.append(metas)
        written, key = _written_stream(profile), output_key(profile)
        if written and key:
            inferred[written] = SourceMeta(written, key, origin="lineage")
    return result


def is_aligned(keys: Sequence[str], meta: SourceMeta | None) -> bool | None:
    """Whether grouping by ``keys`` needs no shuffle on a source described by ``meta``.

    >>> is_aligned(["symbol", "venue"], SourceMeta("trades", ("SYMBOL",)))
    True
    """
    if meta is None:
        return None
    if meta.producer not in _KEY_HASHING_PRODUCERS:
        return False  # null-key producers scatter one key over every partition
    if not meta.key_columns:
        return None
    plain = {norm(k) for k in keys if is_plain_column(norm(k))}
    return all(norm(k) in plain for k in meta.key_columns)


def alignment_of(
    sources: Sequence[str], metas: Mapping[str, SourceMeta], keys: Sequence[str]
) -> bool | None:
    """All sources aligned → True; any known misaligned → False; otherwise unknown (None)."""
    answers = [is_aligned(keys, metas.get(source_key(s))) for s in sources]
    if not answers:
        return None
    if False in answers:
        return False
    return True if all(a is True for a in answers) else None


def describe_source(source: str, meta: SourceMeta | None) -> str:
    """How a source is known to be keyed, in a few words."""
    if meta is not None and meta.producer not in _KEY_HASHING_PRODUCERS:
        return f"{source} was written by a {meta.producer} producer (keys scattered)"
    if meta is not None and meta.key_columns:
        words = ORIGIN_WORDS.get(meta.origin, "")
        return f"{source} is keyed by ({', '.join(meta.key_columns)}) {words}".rstrip()
    return f"{source} has no declared key"


# Where a source fact came from, in words (the JSON keeps the short names).
ORIGIN_WORDS = {
    "caller": "as you declared it",
    "annotation": "by its -- @partitioned_by annotation",
    "ddl": "by its DDL",
    "lineage": "as written by an earlier statement of this file",
}


def declare_hint(sources: Sequence[str]) -> str:
    """How to tell the analyzer a source's key (the fix for an unknown alignment)."""
    if len(sources) == 1:
        return "declare it with --source-key COL or -- @partitioned_by: COL"
    first = sources[0] if sources else "SOURCE"
    return f"declare them with --source-key {first}=COL (repeatable) or -- @partitioned_by: {first}.COL, ..."


def explain_alignment(
    sources: Sequence[str], metas: Mapping[str, SourceMeta], keys: Sequence[str], what: str
) -> tuple[bool | None, str]:
    """:func:`alignment_of` plus a one-line reason naming the sources, their keys and the fix."""
    verdict = alignment_of(sources, metas, keys)
    shown = ", ".join(keys) or "none"
    known = "; ".join(describe_source(s, metas.get(source_key(s))) for s in sources)
    if not sources:
        known = "the statement reads no source"
    if verdict is True:
        return True, f"{known}, contained in the {what} ({shown}): each key already sits in one partition"
    if verdict is False:
        return False, f"{known}, not contained in the {what} ({shown}): equal keys span partitions"
    return None, f"{known}; {declare_hint(sources)} so an aligned source can skip the shuffle"
