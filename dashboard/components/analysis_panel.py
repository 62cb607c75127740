"""The analysis half of the Analyze page: profile in words, decision tree, decision, preset table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.colors import STREAMLIT_NAMED
from dashboard.components.tree_view import tree_chart
from dashboard.text import alignment_sentence, md_escape, profile_sentences
from dashboard.tree_dot import decision_dot

__all__ = [
    "statement_picker",
    "render_profile",
    "render_decision",
    "render_path",
    "render_tree",
    "render_presets",
]


def statement_picker(result: Any) -> int:
    """Which statement of a multi-statement script to show (key ``statement``); 0 for one statement."""
    statements = result.statements
    if len(statements) <= 1:
        return 0
    labels = [
        f"#{s.profile.index + 1} · {s.profile.kind.replace('_', ' ')}"
        + (f" {s.profile.name or s.profile.sink}" if (s.profile.name or s.profile.sink) else "")
        for s in statements
    ]
    chosen = st.selectbox(
        "Statement",
        range(len(labels)),
        index=len(labels) - 1,
        format_func=lambda i: labels[i],
        key="statement",
        help="The script has several statements; pick the one to inspect.",
    )
    return int(chosen)


def render_profile(statement: Any) -> None:
    st.markdown("#### What the query does")
    lines = [md_escape(s) for s in profile_sentences(statement.profile)]
    lines.append(md_escape(alignment_sentence(statement.decision.aligned)))
    st.markdown("\n".join(f"- {line}" for line in lines))


def render_decision(statement: Any) -> None:
    d = statement.decision
    st.markdown("#### Chosen strategy")
    # Strategy names come from core's fixed vocabulary, never from user text.
    st.markdown(f"## :{STREAMLIT_NAMED.get(d.strategy, 'gray')}[{d.strategy}]")
    keys = ", ".join(d.routing_keys) if d.routing_keys else "none"
    how = {
        "tree": f"the {d.tree} tree",
        "caller": "your override",
        "annotation": "an annotation in the SQL",
        "with": "a WITH property",
    }.get(d.decided_by, d.decided_by)
    st.markdown(f"Routing keys: **{md_escape(keys)}** · decided by {md_escape(how)}")
    for warning in d.warnings:
        st.warning(md_escape(warning), icon=":material/warning:")


def render_path(statement: Any) -> None:
    st.markdown("#### Why: the path through the tree")
    for step in statement.decision.path:
        st.markdown(f"- **{md_escape(step.question)}** → {md_escape(step.answer)} — {md_escape(step.reason)}")


def render_tree(statement: Any, tree: Any) -> None:
    st.markdown(f"#### The {md_escape(statement.decision.tree)} decision tree")
    tree_chart(decision_dot(tree, statement.decision))


def render_presets(by_preset: Mapping[str, Any]) -> None:
    """A small table of each preset tree's pick, shown only when the presets disagree."""
    rows = [
        {"tree": name, "strategy": d.strategy, "routing keys": ", ".join(d.routing_keys) or "—"}
        for name, d in by_preset.items()
    ]
    if len({r["strategy"] for r in rows}) > 1:
        st.markdown("#### The preset trees disagree")
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="content")
    elif rows:
        st.caption(f"All preset trees pick {rows[0]['strategy']}.")
