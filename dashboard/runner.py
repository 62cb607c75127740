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

from core.analysis import analyze, load_tree
from core.simulation import SimulationConfig, simulate
from core.workload.trace import read_trace
from dashboard.scenario import Scenario

__all__ = [
    "analysis",
    "decision_tree",
    "replay",
    "replay_trace",
    "tree_source",
    "outside_cache",
    "clear_caches",
]


def tree_source(scenario: Scenario) -> str:
    """The tree argument for core: a preset name, or the path of the uploaded tree's content."""
    if not scenario.tree_text:
        return scenario.tree
    digest = hashlib.sha256(scenario.tree_text.encode("utf-8")).hexdigest()[:16]
    # core names a tree without a `name` after its file, so keep the uploaded file's (sanitised) stem.
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in scenario.tree_name)[:60] or "uploaded"
    path = Path(tempfile.gettempdir()) / "partition-lab-trees" / digest / f"{stem}.toml"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(scenario.tree_text, encoding="utf-8")
    return str(path)


@st.cache_data(max_entries=128, show_spinner=False)
def _analyze(
    sql: str,
    dialect: str,
    tree: str,
    source_keys: tuple[str, ...],
    partitions: int | None,
    strategy: str | None,
) -> Any:
    return analyze(
        sql,
        dialect=dialect,
        tree=tree,
        source_keys=source_keys,
        source_partitions=partitions,
        strategy=strategy,
    )


def analysis(scenario: Scenario) -> Any:
    """``core.analysis.analyze`` for the scenario's query and analysis inputs."""
    return _analyze(
        scenario.sql,
        scenario.dialect,
        tree_source(scenario),
        scenario.source_keys,
        scenario.partitions,
        scenario.strategy_override,
    )


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
        processes=scenario.processes,
        seed=scenario.seed,
        rate=scenario.input_rate or None,
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
    )


def replay(scenario: Scenario, progress: Callable[[float], None] | None = None) -> Any:
    """``core.simulation.simulate`` of every strategy for the scenario, cached by the scenario.

    ``progress(fraction)`` runs outside the cache's recording context, so a cache hit replays
    nothing stale and a miss still moves the caller's progress bar.
    """
    return _simulate(scenario, outside_cache(progress) if progress else None)


@st.cache_data(max_entries=8, show_spinner=False)
def _simulate_trace(scenario: Scenario, path: str, mapping: tuple[tuple[str, str], ...], stamp: float) -> Any:
    trace = read_trace(path, column_map=dict(mapping))
    return simulate(
        scenario.sql,
        dialect=scenario.dialect,
        tree=tree_source(scenario),
        source_keys=scenario.source_keys,
        config=_config(replace(scenario, partitions=trace.partitions, records=trace.records)),
        trace=trace,
        statement=scenario.statement,
    )


def replay_trace(scenario: Scenario, path: str, mapping: dict[str, str]) -> Any:
    """Every strategy over a recorded trace (cached by scenario, file and column mapping)."""
    return _simulate_trace(scenario, path, tuple(sorted(mapping.items())), Path(path).stat().st_mtime)
