"""Query and analysis inputs (keys ``sql``, ``dialect``, ``tree``, ``source_key``, ``partitions``,
``strategy`` bound to the URL; ``sample`` and ``tree_file`` local to the session)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from core.limits import TREE_UPLOAD_BYTES
from core.strategies.names import STRATEGY_NAMES
from dashboard.components.tree_templates import tree_format_help
from dashboard.samples import load_samples
from dashboard.scenario import BOUNDS, DEFAULTS, DIALECTS, TEXT_LIMITS, TREE_PRESETS, Scenario

__all__ = ["analysis_inputs", "current_scenario"]

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
        source_key = left.text_input(
            "Source key columns",
            value=DEFAULTS.source_key,
            key="source_key",
            max_chars=TEXT_LIMITS["source_key"],
            bind="query-params",
            help="How the source topic is keyed: `symbol`, `trades=symbol` or several separated by `;`. "
            "Empty = unknown.",
        )
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
        with st.expander("Use your own decision tree"):
            uploaded = _uploaded_tree()
            tree_format_help()
    return {
        "sql": sql.removeprefix("\ufeff"),  # a pasted byte-order mark is not part of the query
        "dialect": dialect,
        "tree": tree,
        "source_key": source_key,
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
