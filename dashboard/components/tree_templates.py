"""The decision-tree file format, described where a tree is uploaded, with each preset as a template."""

from __future__ import annotations

from importlib import resources

import pandas as pd
import streamlit as st

from core.decide import KEY_KINDS, PREDICATES, PRESETS
from core.strategies import STRATEGY_NAMES

__all__ = ["preset_toml", "predicate_table", "tree_format_help", "FORMAT_TEXT"]

FORMAT_TEXT = """A tree file is TOML. At the top: `root` (the id of the first node) and optionally `name`
and `description`. Then one `[[nodes]]` table per node:

- a **question**: `id`, `question` (the words shown in the tree), `predicate` (one of the questions
  below), `yes` and `no` (ids of the next nodes), optionally `unknown` (where an answer the analysis
  cannot settle goes; `no` when omitted);
- a **leaf**: `id`, `strategy` (one of {strategies}), optionally `keys` (which columns to route by:
  {keys}) and `note` (shown as a warning when the leaf is reached).

Every node must be reachable from `root` and every path must end in a leaf; a mistake is reported
with the node's id. The quickest start: download a preset below, edit it, upload it above."""


def preset_toml(name: str) -> str:
    """The preset tree's TOML file as shipped with core (a template for a custom tree)."""
    if name not in PRESETS:
        raise KeyError(name)
    return (resources.files("core.decide") / "trees" / f"{name}.toml").read_text(encoding="utf-8")


def predicate_table() -> pd.DataFrame:
    """Every predicate a question node may name, with the question it answers."""
    rows = [
        {"predicate": name, "asks": (fn.__doc__ or "").strip().splitlines()[0] if fn.__doc__ else ""}
        for name, fn in PREDICATES.items()
    ]
    return pd.DataFrame(rows)


def tree_format_help(*, key: str = "tree_format") -> None:
    """The format in words, the predicates, and one download button per preset."""
    st.markdown(
        FORMAT_TEXT.format(
            # One code span per list, not one per name: a name alone stays the verdict's own element.
            strategies="`" + " | ".join(STRATEGY_NAMES) + "`",
            keys="`" + " | ".join(KEY_KINDS) + "`",
        )
    )
    with st.popover("The questions a node may ask", icon=":material/help:"):
        st.dataframe(predicate_table(), hide_index=True, width="stretch")
    columns = st.columns(len(PRESETS))
    for column, name in zip(columns, PRESETS, strict=True):
        column.download_button(
            f"{name}.toml",
            data=preset_toml(name),
            file_name=f"{name}.toml",
            mime="application/toml",
            icon=":material/download:",
            key=f"{key}_{name}",
            on_click="ignore",
            width="stretch",
            help=f"The {name} preset as a template",
        )
