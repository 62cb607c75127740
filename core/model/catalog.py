"""What is known about one source or sink: columns and types, keys, partitions, producer.

A :class:`TableDef` comes from DDL, an annotation, the caller or an upstream statement (lineage);
``source`` says which, and ``origins`` says it per fact when facts were combined (DESIGN.md,
*From SQL to a plan*: caller > annotation > DDL > lineage).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Column", "FactOrigin", "TableDef", "TableKind"]

FactOrigin = Literal["ddl", "caller", "annotation", "lineage"]
TableKind = Literal["table", "stream", "source", "sink", "view", "materialized_view"]


@dataclass(frozen=True)
class Column:
    """A declared column; ``type`` as written in the DDL, upper-cased (``VARCHAR``, ``BIGINT``), or None."""

    name: str
    type: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"name": self.name, "type": self.type}


@dataclass(frozen=True)
class TableDef:
    """One catalog entry. ``key`` is the Kafka message key, ``primary_key`` the declared primary key."""

    name: str
    kind: TableKind = "table"
    columns: tuple[Column, ...] = ()
    key: tuple[str, ...] = ()
    primary_key: tuple[str, ...] = ()
    partitions: int | None = None
    # Producer partitioner of the topic: murmur2 | crc32 | sticky | round_robin, or None (unknown).
    partitioner: str | None = None
    time_column: str | None = None
    connector: str | None = None
    topic: str | None = None
    key_format: str | None = None
    line: int = 1
    source: FactOrigin = "ddl"
    # Per fact ("key", "partitions", "partitioner", ...) where it came from, when sources were combined.
    origins: dict[str, FactOrigin] = field(default_factory=dict)
    # What the reader could not settle, in words (e.g. a Flink 'fixed' sink partitioner).
    notes: tuple[str, ...] = ()

    def column_type(self, name: str) -> str | None:
        """The declared type of column ``name`` (case-insensitive), or None."""
        low = name.lower()
        return next((c.type for c in self.columns if c.name.lower() == low), None)

    def to_dict(self) -> dict[str, object]:
        """The contract's catalog entry C (DESIGN.md); extra fields are additions, never renames."""
        return {
            "columns": [c.to_dict() for c in self.columns],
            "key": list(self.key),
            "primary_key": list(self.primary_key),
            "partitions": self.partitions,
            "partitioner": self.partitioner,
            "source": self.source,
            "kind": self.kind,
            "time_column": self.time_column,
            "connector": self.connector,
            "topic": self.topic,
            "line": self.line,
            "origins": dict(self.origins),
            "key_format": self.key_format,
            "notes": list(self.notes),
        }
