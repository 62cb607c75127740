"""Read Streamlit's opaque elements (graphviz, plotly) out of an AppTest run."""

from __future__ import annotations

import json
import re
from typing import Any

from streamlit.testing.v1 import AppTest


def _walk(at: AppTest) -> list[Any]:
    found: list[Any] = []
    stack: list[Any] = [at._tree]
    while stack:
        node = stack.pop()
        found.append(node)
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            stack.extend(children.values())
    return found


def dot_sources(at: AppTest) -> list[str]:
    return [e.proto.spec for e in _walk(at) if getattr(e, "type", None) == "graphviz_chart"]


def plotly_figures(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(e.proto.spec) for e in _walk(at) if getattr(e, "type", None) == "plotly_chart"]


def texts(at: AppTest) -> str:
    """Every markdown, code, caption, error and warning text of the page, joined."""
    parts: list[str] = []
    for element in _walk(at):
        value = getattr(element, "value", None)
        if isinstance(value, str):
            parts.append(value)
        body = getattr(getattr(element, "proto", None), "body", None)
        if isinstance(body, str):
            parts.append(body)
    return "\n".join(parts)


def plain(text: str) -> str:
    """Markdown-escaped page text (``round\\_robin\\:``) as a reader sees it (``round_robin:``)."""
    return re.sub(r"\\(.)", r"\1", text)


def chosen_strategy(at: AppTest) -> str | None:
    """The strategy the "Recommended strategy" heading names (``## :colour[name]``), or None when absent."""
    for element in at.markdown:
        value = element.value
        if value.startswith("## :") and "[" in value and value.endswith("]"):
            return value.split("[", 1)[1][:-1]
    return None
