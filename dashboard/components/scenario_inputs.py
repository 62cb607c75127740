"""Query and analysis inputs (keys ``sql``, ``dialect``, ``tree``, ``source_key``, ``partitions``,
``strategy`` bound to the URL; ``sample`` and ``tree_file`` local to the session)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from core.limits import TREE_UPLOAD_BYTES
from core.strategies import STRATEGY_NAMES
from dashboard import runner
from dashboard.components.tree_templates import tree_format_help
from dashboard.samples import load_samples
from dashboard.scenario import (
    BOUNDS,
    DEFAULTS,
    DIALECTS,
    TEXT_LIMITS,
    TREE_PRESETS,
    Scenario,
    parse_source_keys,
)
from dashboard.source_facts import key_problem, stale_keys
from dashboard.text import md_escape, user_words

__all__ = ["analysis_inputs", "current_scenario", "source_key_messages", "LINKED_TREE"]

LINKED_TREE = "_linked_tree"  # (text, name) of a tree that came in a link, used while nothing is uploaded

_KEYED_SQL = "_source_key_checked_sql"  # the SQL the typed source key was last checked against
_KEY_NOTE = "_source_key_reset_note"

_NO_SAMPLE = "— pick a sample query —"
_TREE_FILE_LIMIT = TREE_UPLOAD_BYTES


def _load_sample() -> None:
    """Copy the picked sample (and its header's dialect and source key) into the inputs."""
    chosen = st.session_state.get("sample")
    for sample in load_samples():
        if sample.title == chosen:
            st.session_state["sql"] = sample.sql
            if sample.dialect in DIALECTS:
                st.session_state["dialect"] = sample.dialect
            st.session_state["source_key"] = sample.source_key or ""
            return


def _uploaded_tree() -> tuple[str, str] | None:
    upload = st.file_uploader(
        "Decision tree file (TOML)",
        type=["toml"],
        key="tree_file",
        help=f"A tree file in the same format as the presets (at most {_TREE_FILE_LIMIT // 1024} KB); "
        "it replaces the preset while uploaded and is kept in memory only.",
    )
    if upload is None:
        return None
    if upload.size > _TREE_FILE_LIMIT:
        st.error(f"The tree file is {upload.size:,} bytes; tree files are limited to {_TREE_FILE_LIMIT:,}.")
        return None
    try:
        return upload.getvalue().decode("utf-8-sig"), Path(upload.name).stem
    except UnicodeDecodeError as error:
        st.error(f"The tree file is not UTF-8 text (invalid byte at offset {error.start}); "
                 "upload the TOML file itself.")
        return None


def _reset_stale_key(sql: str, dialect: str) -> None:
    """When the SQL changed, drop typed key items that name a column (or source) the new query does not
    have, and remember why (shown under the field). The first run keeps a link's key as it is."""
    last = st.session_state.get(_KEYED_SQL)
    st.session_state[_KEYED_SQL] = sql
    if last is None or last == sql:
        return
    typed = str(st.session_state.get("source_key", ""))
    items = parse_source_keys(typed)
    if not items:
        return
    try:
        analysis = runner.analysis(Scenario(sql=sql, dialect=dialect, source_key=""))
    except Exception:  # noqa: BLE001 — advisory: the page's own analysis shows any error
        return  # unreadable SQL: its error is shown; judge the key once the query reads
    stale = stale_keys(items, sql, analysis)
    if not stale:
        return
    dropped = {s.item for s in stale}
    st.session_state["source_key"] = "; ".join(i for i in items if i not in dropped)
    st.session_state[_KEY_NOTE] = "; ".join(f"{_code(s.item)}: {md_escape(s.reason)}" for s in stale)


def _code(text: str) -> str:
    """User text as a Markdown code span (rendered literally; a backtick cannot close it early)."""
    return "`" + text.replace("`", "'") + "`"


def source_key_messages(text: str, sql: str, dialect: str, *, note_key: str = _KEY_NOTE) -> bool:
    """Messages right under a source key field: a reset, an unreadable item, a key typed for every
    source of a several-source query. False when the key cannot be read (the caller stops there)."""
    note = st.session_state.pop(note_key, None)
    if note:
        st.warning(f"Source key cleared for the new query — {note}.", icon=":material/restart_alt:")
    ok = True
    for item in parse_source_keys(text):
        problem = key_problem(item)
        if problem:
            st.error(f"{md_escape(user_words(problem))}. The analysis below ignores the typed key until "
                     "it reads.", icon=":material/error:")
            ok = False
    unqualified = [i for i in parse_source_keys(text) if "=" not in i]
    if ok and unqualified:
        try:
            plain = runner.analysis(Scenario(sql=sql, dialect=dialect, source_key=""))
            sources = {s for statement in plain.statements for s in statement.profile.sources}
        except Exception:  # noqa: BLE001 — a hint only: the page's own analysis shows any error
            sources = set()
        if len(sources) > 1:
            names = sorted(sources)
            st.caption(f"{_code(unqualified[0])} applies to every source ({md_escape(', '.join(names))}); "
                       f"write {_code(names[0] + '=' + unqualified[0])} to key one source.")
    return ok


def analysis_inputs() -> dict[str, Any]:
    """Draw the query editor and analysis options; return their values by scenario field."""
    samples = load_samples()
    editor, options = st.columns([3, 2], gap="large")
    with editor:
        if samples:
            st.selectbox(
                "Sample queries",
                [_NO_SAMPLE, *(s.title for s in samples)],
                key="sample",
                on_change=_load_sample,
                help="Loads the sample's SQL, dialect and source key.",
            )
        sql = st.text_area(
            "Streaming SQL",
            value=DEFAULTS.sql,
            key="sql",
            height=180,
            max_chars=TEXT_LIMITS["sql"],
            bind="query-params",
            help="One or more statements; press Ctrl+Enter to analyze.",
        )
    with options:
        left, right = st.columns(2)
        dialect = left.selectbox("Dialect", DIALECTS, key="dialect", bind="query-params")
        tree = right.selectbox(
            "Decision tree",
            TREE_PRESETS,
            key="tree",
            bind="query-params",
            help="seed: the design's tree · extended: joins, DISTINCT, global aggregates · "
            "velostream: what the engine picks today",
        )
        _reset_stale_key(sql.removeprefix("\ufeff"), dialect)
        source_key = left.text_input(
            "Source key columns",
            value=DEFAULTS.source_key,
            key="source_key",
            max_chars=TEXT_LIMITS["source_key"],
            bind="query-params",
            help="How a source topic is keyed, per source: `trades=symbol`, or `symbol` for every source; "
            "several separated by `;`. Empty = what the SQL's DDL says, else unknown. Cleared when a new "
            "query has no such column.",
        )
        with left:
            key_ok = source_key_messages(source_key, sql, dialect)
        partitions = right.number_input(
            "Source partitions",
            min_value=BOUNDS["partitions"][0],
            max_value=BOUNDS["partitions"][1],
            value=DEFAULTS.partitions,
            key="partitions",
            bind="query-params",
        )
        strategy = st.selectbox(
            "Strategy",
            ("auto", *STRATEGY_NAMES),
            key="strategy",
            bind="query-params",
            help="auto: the decision tree picks; anything else overrides it (with warnings if unsafe).",
        )
        linked = st.session_state.get(LINKED_TREE)
        with st.expander("Use your own decision tree", expanded=bool(linked)):
            uploaded = _uploaded_tree()
            if uploaded is None and linked:
                st.caption(f"Using the tree **{md_escape(linked[1])}** from the link (upload a file to "
                           "replace it).")
                if st.button("Use the preset instead", key="drop_linked_tree"):
                    st.session_state.pop(LINKED_TREE, None)
                    st.rerun()
                uploaded = linked
            tree_format_help()
    return {
        "sql": sql.removeprefix("\ufeff"),  # a pasted byte-order mark is not part of the query
        "dialect": dialect,
        "tree": tree,
        "source_key": source_key if key_ok else "",
        "partitions": int(partitions),
        "strategy": strategy,
        "tree_text": uploaded[0] if uploaded else None,
        "tree_name": uploaded[1] if uploaded else "uploaded",
    }


def current_scenario() -> Scenario:
    """The scenario last drawn on Analyze & replay, else the one in the URL, else the defaults."""
    scenario = st.session_state.get("scenario")
    if isinstance(scenario, Scenario):
        return scenario
    return Scenario.from_mapping(dict(st.query_params.to_dict()))
