"""What the pre-pass lifts out of a statement: streaming clauses, decoded, with their spans."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Span", "WindowSpec", "CreateHeader", "RowBuffer", "StreamingClauses"]


@dataclass(frozen=True)
class Span:
    """Half-open character range ``[start, end)`` in the whole script."""

    start: int
    end: int


@dataclass(frozen=True)
class WindowSpec:
    """A time window, whichever dialect spelled it; ``source`` is the table a TVF windows over."""

    kind: str  # tumbling | hopping | session
    size_ms: int | None = None
    advance_ms: int | None = None
    gap_ms: int | None = None
    time_column: str | None = None
    key_column: str | None = None
    source: str | None = None
    written: str = ""


@dataclass(frozen=True)
class CreateHeader:
    kind: str  # create_stream | create_table
    name: str
    columns: tuple[str, ...] = ()
    properties: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RowBuffer:
    """Velostream ``ROWS WINDOW BUFFER n ROWS`` inside the OVER of ``function``."""

    function: str
    rows: int


@dataclass
class StreamingClauses:
    """Everything lifted from one statement; built by the pre-pass, read by extraction."""

    window: WindowSpec | None = None
    emit: str | None = None  # changes | final
    create: CreateHeader | None = None
    into: str | None = None
    properties: dict[str, str] = field(default_factory=dict)
    primary_key: list[str] = field(default_factory=list)
    partition_by: list[str] = field(default_factory=list)
    # WITHIN duration by the joined source's name and alias (lower-case): join indexes would count
    # joins inside subqueries too, names identify the JOIN the clause was written after.
    within_ms: dict[str, int] = field(default_factory=dict)
    buffers: list[RowBuffer] = field(default_factory=list)
    tvf_sources: list[str] = field(default_factory=list)
    # MATCH_RECOGNIZE clauses, outermost first: (PARTITION BY items, ORDER BY columns).
    match_recognize: list[tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)
    # RisingWave OVER (... SESSION WITH GAP d): the gaps in ms, in written order.
    session_gaps: list[int] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
