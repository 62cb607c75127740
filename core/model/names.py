"""How names compare: columns without qualifier or quotes, sources with their qualifier; any case."""

from __future__ import annotations

__all__ = ["norm", "source_key"]


def norm(name: str) -> str:
    """A column or source name for comparison: unquoted, without qualifier, lower case.

    >>> norm('t."Symbol"'), norm("`Venue`")
    ('symbol', 'venue')
    """
    text = name.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"`":
        return text[1:-1].lower()
    return text.rsplit(".", 1)[-1].strip("\"`").lower()


def source_key(name: str) -> str:
    """A source name for look-ups: qualifier kept (``schema.topic``), quotes and case dropped."""
    return name.strip().strip("\"`").lower()
