"""Replay settings (keys ``records``, ``workers``, ``keys``, ``distribution``, ``producer``, ``seed``,
``input_rate`` and ``processes``, all bound to the URL)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.errors import PartitionLabError
from core.workload import parse_distribution
from dashboard.scenario import (
    BOUNDS,
    DEFAULTS,
    FLOAT_BOUNDS,
    MAX_PROCESSES,
    PRODUCERS,
    RECORD_CAP,
    TEXT_LIMITS,
)
from dashboard.text import md_escape

__all__ = ["replay_inputs", "distribution_problem"]


def distribution_problem(text: str) -> str | None:
    """Why the key distribution cannot be read (None when it can), in the field's words."""
    try:
        parse_distribution(text.strip())
    except PartitionLabError as error:
        return str(error).removeprefix("distribution: ")
    return None


def replay_inputs() -> dict[str, Any]:
    """Draw the synthetic workload settings; return their values by scenario field."""
    row1 = st.columns(4)
    records = row1[0].number_input(
        "Records",
        min_value=BOUNDS["records"][0],
        max_value=BOUNDS["records"][1],
        value=DEFAULTS.records,
        step=50_000,
        key="records",
        bind="query-params",
        help=f"Synthetic records to replay (at most {RECORD_CAP:,} here; larger replays wait for a click "
        "when their estimated work is above what starts by itself).",
    )
    workers = row1[1].number_input(
        "Workers",
        min_value=BOUNDS["workers"][0],
        max_value=BOUNDS["workers"][1],
        value=DEFAULTS.workers,
        key="workers",
        bind="query-params",
        help="Parallel processing slots of the job (Velostream's num_partitions).",
    )
    keys = row1[2].number_input(
        "Distinct keys",
        min_value=BOUNDS["keys"][0],
        max_value=BOUNDS["keys"][1],
        value=DEFAULTS.keys,
        key="keys",
        bind="query-params",
    )
    distribution = row1[3].text_input(
        "Key distribution",
        value=DEFAULTS.distribution,
        key="distribution",
        max_chars=TEXT_LIMITS["distribution"],
        bind="query-params",
        help="`uniform`, `zipf:S` (S > 0, larger = hotter head) or `hot:F` (one key gets share F).",
    )
    problem = distribution_problem(distribution)
    if problem:
        # Right under its field, not below the replay's (empty) progress bar.
        row1[3].error(f"Key distribution: {md_escape(problem)}", icon=":material/error:")
    row2 = st.columns(4)
    producer = row2[0].selectbox(
        "Producer partitioner",
        PRODUCERS,
        key="producer",
        bind="query-params",
        help="How the source topic's producer placed records: key hashes or null-key sticky/round robin; "
        "auto = murmur2 when the source key is known, else sticky.",
    )
    seed = row2[1].number_input(
        "Seed",
        min_value=BOUNDS["seed"][0],
        max_value=BOUNDS["seed"][1],
        value=DEFAULTS.seed,
        key="seed",
        bind="query-params",
    )
    input_rate = row2[2].number_input(
        "Input rate (records/s)",
        min_value=0.0,
        value=DEFAULTS.input_rate,
        max_value=FLOAT_BOUNDS["input_rate"][1],
        step=10_000.0,
        key="input_rate",
        bind="query-params",
        help="Offered load for the backlog model; 0 = as fast as the workers go.",
    )
    processes = row2[3].number_input(
        "Processes",
        min_value=0,
        max_value=MAX_PROCESSES,
        value=DEFAULTS.processes,
        key="processes",
        bind="query-params",
        help="Worker processes for the replay; 0 runs the same worker code in this process "
        "(identical results, no process start-up); never more than this machine's CPUs.",
    )
    return {
        "records": int(records),
        "workers": int(workers),
        "keys": int(keys),
        "distribution": distribution.strip(),
        "producer": producer,
        "seed": int(seed),
        "input_rate": float(input_rate),
        "processes": int(processes),
    }
