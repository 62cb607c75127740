"""The analysis half of the Analyze page: profile in words, decision tree, decision, preset table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from core.errors import PartitionLabError
from dashboard import runner
from dashboard.charts.data import result_dict
from dashboard.colors import STREAMLIT_NAMED
from dashboard.components.tree_view import tree_chart
from dashboard.headline import RECOMMENDING_TREE, Verdict, headline, replay_verdicts, trusted_best
from dashboard.source_facts import facts_rows
from dashboard.text import alignment_sentence, md_escape, profile_sentences, step_line, user_words
from dashboard.tree_dot import decision_dot

__all__ = [
    "statement_picker",
    "render_profile",
    "render_decision",
    "render_path",
    "render_tree",
    "render_presets",
    "replay_headline",
    "render_sources",
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


def render_decision(statement: Any, presets: Mapping[str, Any] | None = None,
                    sources: Mapping[str, Any] | None = None) -> None:
    """The recommendation (the correctness-first tree's pick) and, beside it, every pick that differs
    (your override, the tree you selected, the seed design's), each with its verdict in words."""
    d = statement.decision
    head = headline(statement, presets or {}, sources or {})
    st.markdown("#### Recommended strategy")
    # Strategy names come from core's fixed vocabulary, never from user text.
    if head.verdict.wrong:
        st.markdown(f"## :red[{head.strategy}] :red-badge[wrong results]")
        why = md_escape(user_words(head.verdict.because))
        st.error(f"No tree answer keeps the results correct here: {why}.", icon=":material/cancel:")
    else:
        st.markdown(f"## :{STREAMLIT_NAMED.get(head.strategy, 'gray')}[{head.strategy}]")
    keys = ", ".join(head.routing_keys) if head.routing_keys else "none"
    st.markdown(f"Routing keys: **{md_escape(keys)}** · from the correctness-first "
                f"({RECOMMENDING_TREE}) tree")
    for pick in head.others:
        text = md_escape(user_words(pick.sentence()))
        if pick.verdict.kind == "wrong":
            st.error(text, icon=":material/cancel:")
        elif pick.verdict.kind == "unknown":
            st.warning(text, icon=":material/help:")
        else:
            st.info(text, icon=":material/check_circle:")
    if d.decided_by != "tree" or d.tree != RECOMMENDING_TREE:
        st.caption(f"The path, the tree picture and the replay below follow "
                   f"{md_escape(_HOW.get(d.decided_by, d.decided_by).format(tree=d.tree))} ({d.strategy}).")
    for warning in d.warnings:
        if warning.startswith(_SEED_NOTE):
            continue  # said above, as a pick beside the recommendation
        st.warning(md_escape(user_words(warning)), icon=":material/warning:")


# How a decision was reached, in the reader's words.
_HOW = {
    "tree": "the {tree} tree",
    "caller": "your Strategy choice",
    "annotation": "the annotation in the SQL",
    "with": "the WITH property",
}
# Core's note where the chosen tree and the seed design disagree (the headline shows it as a pick).
_SEED_NOTE = "the seed design picks "


def render_sources(sources: Mapping[str, Any], catalog: Mapping[str, Any]) -> None:
    """Each source's key and where it comes from (DDL first; what you typed; an annotation; upstream)."""
    rows = facts_rows(sources, catalog)
    if not rows:
        return
    st.markdown("#### Source facts")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def render_path(statement: Any) -> None:
    st.markdown(f"#### Why: the path through the {md_escape(statement.decision.tree)} tree")
    for step in statement.decision.path:
        line = step_line(md_escape(user_words(step.question)), md_escape(step.answer),
                         md_escape(user_words(step.reason)))
        st.markdown(f"- **{line.replace(' → ', '** → ', 1)}" if " → " in line else f"- **{line}**")


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


def replay_headline(result: Any, scenario: Any) -> None:
    """The replay's recommendation and best correct strategy, never one the analysis or the replay
    judges wrong (the replay alone misses what it does not simulate, e.g. a join's second source)."""
    data = result_dict(result)
    statement = None
    try:
        if scenario is None:
            raise PartitionLabError("no scenario")
        analysis = runner.analysis(scenario)
        index = min(max(scenario.statement, -len(analysis.statements)), len(analysis.statements) - 1)
        statement = analysis.statements[index]
        presets = analysis.presets[index] if analysis.presets else {}
        sources = analysis.sources[index] if analysis.sources else {}
    except PartitionLabError:
        pass
    if statement is None:
        head_strategy, keys = str(data.get("recommended")), tuple(data.get("recommended_routing_keys") or ())
        verdicts = {n: Verdict("correct" if m["correct"] else "wrong", str(m["verdict"]))
                    for n, m in data["strategies"].items()}
    else:
        head = headline(statement, presets, sources)
        head_strategy, keys = head.strategy, head.routing_keys
        verdicts = replay_verdicts(data, statement, sources, keys)
    best = trusted_best(data, verdicts, head_strategy)
    rec_verdict = verdicts.get(head_strategy)
    cols = st.columns(3)
    cols[0].metric("Recommended (correctness-first tree)", head_strategy)
    cols[1].metric("Best correct, by modeled throughput", best or "none is correct")
    cols[2].metric(
        "Records · workers · partitions", f"{data['records']:,} · {data['workers']} · {data['partitions']}"
    )
    if rec_verdict is not None and rec_verdict.wrong:
        st.error(f"The replay shows {head_strategy} giving wrong results here: "
                 f"{md_escape(user_words(rec_verdict.because))}.", icon=":material/cancel:")
    if best and best != head_strategy:
        rate = {n: float(m["modeled_throughput"] or 0) for n, m in data["strategies"].items()}
        st.info(f"{best} is also correct here and models {rate[best]:,.0f} records/s against "
                f"{rate.get(head_strategy, 0):,.0f} for {head_strategy}.", icon=":material/speed:")
    for name, verdict in verdicts.items():
        replayed = data["strategies"][name]
        if verdict.wrong and replayed["correct"]:
            st.warning(f"{name}: the replay saw no wrong rows, but the analysis says it is wrong here "
                       f"because {md_escape(user_words(verdict.because))} (the replay does not simulate "
                       "everything, e.g. a join's second source).", icon=":material/warning:")
