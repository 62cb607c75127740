"""Plain-word descriptions of a query profile and safe text helpers (pure; no Streamlit)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = [
    "md_escape", "profile_sentences", "alignment_sentence", "fmt_ms", "join_names", "user_words", "step_line",
]

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


# Core's messages are written for the command line; the dashboard names its own fields instead.
# Order matters: specific phrasings first, the bare flag names last.
_USER_WORDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"[Dd]eclare --source-key (\S+?)=COL\b",
         r"type the key of \1 in the Source key columns field (\1=COLUMN)"),
        (r"declare it with --source-key COL or -- @partitioned_by: COL",
         "type it in the Source key columns field (or add -- @partitioned_by: COL to the SQL)"),
        (r"e\.g\. --source-key (\S+) or --source-key (\S+)", r"e.g. \1 or \2"),
        (r"the caller names '([^']*)' = (\w+)", r"you set \2"),
        (r"[Tt]he caller forces", "you set"),
        (r"named by the caller, an annotation", "set by you, by an annotation"),
        (r"\[caller\]", "(you typed it)"),
        (r"\bthe caller's\b", "your"),
        (r"\bthe caller\b", "your input"),
        (r"--source-key(?: \[?SOURCE=\]?COL(?:\[,COL\])?)?", "the Source key columns field"),
        (r"--source-partitions(?: N)?", "Source partitions"),
        (r"--strategy(?: NAME)?", "the Strategy field"),
        (r"--tree(?: \S+)?", "the Decision tree field"),
        (r"--processes(?: N)?", "Processes"),
        (r"--records(?: N)?", "Records"),
        (r"--keys(?: K)?", "Distinct keys"),
        (r"--workers(?: W)?", "Workers"),
        (r"--distribution", "Key distribution"),
        (r"--partitions(?: P)?", "Source partitions"),
        (r"--dialect(?: D)?", "Dialect"),
        (r"--engine(?: E)?", "Engine"),
    )
)


def user_words(text: str) -> str:
    """A core message in the dashboard's words: field names instead of CLI flags, "you" instead of
    "the caller" (core writes for the command line)."""
    for pattern, replacement in _USER_WORDS:
        text = pattern.sub(replacement, text)
    return text


def step_line(question: str, answer: str, reason: str) -> str:
    """One path step as "question → answer — reason", without a dangling dash when a part is empty."""
    parts = [p.strip() for p in (answer, reason) if p and p.strip(" —-")]
    return f"{question} → " + " — ".join(parts) if parts else question
