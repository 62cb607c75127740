"""Plain-word descriptions of a query profile and safe text helpers (pure; no Streamlit)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = ["md_escape", "profile_sentences", "alignment_sentence", "fmt_ms", "join_names"]

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~=:&])")


def md_escape(text: str) -> str:
    """Backslash-escape Markdown (and Streamlit's ``$`` maths) so user text renders literally."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def join_names(names: Iterable[str]) -> str:
    items = [str(n) for n in names]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def fmt_ms(ms: int | None) -> str:
    """``60000`` -> ``1 min``; ``1500`` -> ``1.5 s``."""
    if ms is None:
        return "?"
    for unit, size in (("h", 3_600_000), ("min", 60_000), ("s", 1000)):
        if ms >= size:
            value = ms / size
            return f"{value:g} {unit}"
    return f"{ms} ms"


_KIND_WORDS = {
    "select": "A plain SELECT",
    "create_stream": "CREATE STREAM … AS SELECT",
    "create_table": "CREATE TABLE … AS SELECT",
    "insert": "INSERT INTO … SELECT",
}


def _window_words(window: Any) -> str:
    if window.kind == "tumbling":
        return f"tumbling windows of {fmt_ms(window.size_ms)}"
    if window.kind == "hopping":
        return f"hopping windows of {fmt_ms(window.size_ms)} every {fmt_ms(window.advance_ms)}"
    return f"session windows with a {fmt_ms(window.gap_ms)} gap"


def profile_sentences(profile: Any) -> list[str]:
    """What the statement does, in short sentences (user identifiers left unescaped)."""
    p = profile
    head = _KIND_WORDS.get(p.kind, p.kind)
    if p.name or p.sink:
        head += f" writing {p.name or p.sink}"
    words = [f"{head}, reading {join_names(p.sources) or 'no named source'}."]
    if p.group_by:
        line = f"Groups by {join_names(p.group_by)}"
        if p.window is not None:
            line += f" in {_window_words(p.window)}"
        words.append(line + ".")
    elif p.window is not None:
        words.append(f"Uses {_window_words(p.window)}.")
    if p.global_aggregate:
        words.append("Aggregates over the whole stream (no GROUP BY): one place must see every record.")
    for join in p.joins:
        keys = join_names(f"{a} = {b}" for a, b in join.keys) or "no equi-join keys"
        words.append(f"Joins {join.left} with {join.right} on {keys}.")
    for window in p.analytic:
        part = (
            f" partitioned by {join_names(window.partition_by)}"
            if window.partition_by
            else " over everything"
        )
        words.append(f"Analytic {window.function}(…) OVER{part}.")
    if p.distinct:
        words.append("Selects DISTINCT rows.")
    if p.order_by:
        words.append(f"Orders by {join_names(p.order_by)}.")
    if p.limit is not None:
        words.append(f"Keeps only {p.limit:,} rows (LIMIT).")
    if p.aggregates:
        words.append(f"Computes {join_names(a.sql for a in p.aggregates)}.")
    if p.emit:
        words.append(f"Emits {p.emit}.")
    return words


def alignment_sentence(aligned: bool | None) -> str:
    if aligned is True:
        return "Aligned: every group sits in one source partition, so no shuffle is needed."
    if aligned is False:
        return "Not aligned: records of one group arrive on several source partitions."
    return "Alignment unknown: declare how the source topic is keyed (source key columns) to find out."
