"""Cached calls into core's public API, keyed by the scenario.

Results are cached with ``st.cache_data``; errors are not cached (they propagate as
:class:`~core.errors.PartitionLabError` for the caller to show). Progress updates run in the context
captured *outside* the cached function, so Streamlit does not record them for cache replay.
"""

from __future__ import annotations

import contextvars
import hashlib
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import streamlit as st

from core.budget import DASHBOARD, WorkEstimate, estimate_work, windows_per_record
from core.decide import Tree, analyze, load_tree, load_tree_text
from core.errors import PartitionLabError, SqlSyntaxError
from core.simulation import SimulationConfig, simulate
from core.strategies import STRATEGY_NAMES
from core.workload import read_trace
from dashboard.scenario import MAX_PROCESSES, Scenario

__all__ = [
    "analysis",
    "decision_tree",
    "replay",
    "replay_trace",
    "tree_source",
    "estimate",
    "outside_cache",
    "clear_caches",
]


def tree_source(scenario: Scenario) -> str | Tree:
    """The tree argument for core: a preset name, or the uploaded tree parsed in memory (no file)."""
    if not scenario.tree_text:
        return scenario.tree
    return _uploaded_tree(scenario.tree_text, scenario.tree_name)


@st.cache_data(max_entries=16, show_spinner=False)
def _uploaded_tree(text: str, name: str) -> Tree:
    # core names a tree without a `name` after its file: keep the uploaded file's (sanitised) stem.
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)[:60] or "uploaded"
    return load_tree_text(text, "toml", stem)


def _tree_key(scenario: Scenario) -> str:
    """A hashable stand-in for the tree in cache keys (the Tree itself is rebuilt from the scenario)."""
    if not scenario.tree_text:
        return scenario.tree
    return "uploaded:" + hashlib.sha256(scenario.tree_text.encode("utf-8")).hexdigest()


@st.cache_data(max_entries=128, show_spinner=False)
def _analyze(
    sql: str,
    dialect: str,
    tree: str,
    source_keys: tuple[str, ...],
    partitions: int | None,
    strategy: str | None,
    _tree: str | Tree,
    engine: str | None = None,
) -> Any:
    return analyze(
        sql,
        dialect=dialect,
        engine=engine,
        tree=_tree,
        source_keys=source_keys,
        source_partitions=partitions,
        strategy=strategy,
    )


def analysis(scenario: Scenario) -> Any:
    """``core.decide.analyze`` for the scenario's query and analysis inputs."""
    return _analyze(
        scenario.sql,
        scenario.dialect,
        _tree_key(scenario),
        scenario.source_keys,
        scenario.partitions,
        scenario.strategy_override,
        tree_source(scenario),
        scenario.engine_override,
    )


def estimate(scenario: Scenario) -> WorkEstimate:
    """The work budget's estimate of the scenario's replay (windows from the analyzed statement)."""
    windows, windowed = 1, False
    try:
        statements = analysis(scenario).statements
        window = statements[scenario.statement].profile.window if statements else None
    except (PartitionLabError, IndexError):
        window = None
    if window is not None:
        windows = windows_per_record(window.kind, window.size_ms, window.advance_ms)
        windowed = True
    return estimate_work(scenario.records, strategies=len(STRATEGY_NAMES), keys=scenario.keys,
                         windows=windows, windowed=windowed)


def decision_tree(scenario: Scenario) -> Any:
    """The tree object to draw (a preset or the uploaded file); TreeFileError when it is bad."""
    return load_tree(tree_source(scenario))


def outside_cache(update: Callable[..., None]) -> Callable[..., None]:
    """Wrap a UI update so that calls made inside a cached function are not recorded for replay."""
    context = contextvars.copy_context()

    def run(*args: Any, **kwargs: Any) -> None:
        context.run(update, *args, **kwargs)

    return run


def clear_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def _config(scenario: Scenario) -> SimulationConfig:
    return SimulationConfig(
        records=scenario.records,
        partitions=scenario.partitions,
        workers=scenario.workers,
        keys=scenario.keys,
        distribution=scenario.distribution,
        producer=scenario.producer_override,
        processes=min(max(scenario.processes, 0), MAX_PROCESSES),
        seed=scenario.seed,
        rate=scenario.input_rate or None,
        engine=scenario.engine_override,
    )


@st.cache_data(max_entries=16, show_spinner=False)
def _simulate(scenario: Scenario, _progress: Callable[[float], None] | None = None) -> Any:
    return simulate(
        scenario.sql,
        dialect=scenario.dialect,
        tree=tree_source(scenario),
        source_keys=scenario.source_keys,
        source_partitions=scenario.partitions,
        config=_config(scenario),
        progress=_progress,
        statement=scenario.statement,
        budget=DASHBOARD,
    )


def replay(scenario: Scenario, progress: Callable[[float], None] | None = None) -> Any:
    """``core.simulation.simulate`` of every strategy for the scenario, cached by the scenario.

    ``progress(fraction)`` runs outside the cache's recording context, so a cache hit replays
    nothing stale and a miss still moves the caller's progress bar.
    """
    return _simulate(scenario, outside_cache(progress) if progress else None)


@st.cache_data(max_entries=8, show_spinner=False)
def _simulate_trace(
    scenario: Scenario, digest: str, name: str, mapping: tuple[tuple[str, str], ...], _content: bytes
) -> Any:
    # core reads traces from a path: the bytes live on disk only for this call, in a private directory
    # removed right after (nothing from an upload outlives the replay).
    suffix = ".parquet" if name.lower().endswith(".parquet") else ".csv"
    with tempfile.TemporaryDirectory(prefix="partition-lab-") as folder:
        path = Path(folder) / f"trace{suffix}"
        path.write_bytes(_content)
        try:
            return _replay_file(scenario, path, mapping)
        except SqlSyntaxError:
            raise
        except PartitionLabError as error:
            # Messages name the file: show the upload's name, never this server's temporary path.
            message = str(error).replace(str(path), name).replace(folder, "").replace(path.name, name)
            raise type(error)(message) from None


def _replay_file(scenario: Scenario, path: Path, mapping: tuple[tuple[str, str], ...]) -> Any:
    trace = read_trace(path, column_map=dict(mapping))
    return simulate(
            scenario.sql,
            dialect=scenario.dialect,
            tree=tree_source(scenario),
            source_keys=scenario.source_keys,
            config=_config(replace(scenario, partitions=trace.partitions, records=trace.records)),
        trace=trace,
        statement=scenario.statement,
        budget=DASHBOARD,
    )


def replay_trace(scenario: Scenario, content: bytes, name: str, mapping: dict[str, str]) -> Any:
    """Every strategy over an uploaded trace ``name`` (cached by scenario, content digest and mapping)."""
    digest = hashlib.sha256(content).hexdigest()
    return _simulate_trace(scenario, digest, Path(name).name, tuple(sorted(mapping.items())), content)
