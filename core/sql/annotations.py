"""Comment annotations (``-- @key: value``) read from the raw text to keep exact line numbers."""

from __future__ import annotations

import re

__all__ = ["ANNOTATION_RE", "read_annotations"]

ANNOTATION_RE = re.compile(r"^\s*--\s*@([\w.\-]+)\s*:\s*(.*)$")


def read_annotations(lines: list[str], first: int, last: int) -> tuple[dict[str, str], dict[str, int]]:
    """Annotations on 1-based lines ``first..last`` (inclusive): values and the line of each key.

    A later line with the same key wins, as it would when a user appends an override.
    """
    values: dict[str, str] = {}
    where: dict[str, int] = {}
    for number in range(max(first, 1), min(last, len(lines)) + 1):
        match = ANNOTATION_RE.match(lines[number - 1])
        if match:
            key, value = match.group(1), match.group(2).strip()
            values[key] = value
            where[key] = number
    return values, where
