"""What-ifs: the questions of a design review, each one chart and one sentence, on the keyed stage of
the Analyze page's statement (same synthetic topic and seed as its replay).

Widget keys start with ``whatif_``. Each what-if validates its own input and shows an error right
below it; the work is budgeted before it starts (core.budget, the dashboard's limits).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from core import limits
from core.budget import AUTO_RUN, DASHBOARD, estimate_work
from core.engines import ENGINE_NAMES, engine_for_dialect
from core.simulation import MAX_CHOICES, MAX_SALT, SimulationConfig, whatif, worker_capacity
from dashboard.charts import whatif as charts
from dashboard.components.errors import call_safely
from dashboard.components.scenario_inputs import current_scenario
from dashboard.navigation import page
from dashboard.scenario import BOUNDS, Scenario
from dashboard.text import md_escape

__all__ = ["render", "PASSES", "MAX_MINI_BATCH"]

# Passes over the records: counting keys (sweep, rescale, salting), two-phase, partial key grouping.
PASSES = 3
MAX_MINI_BATCH = 1_000_000
_DEFAULT_RECORDS = 200_000


def _config(scenario: Scenario, engine: str, workers: int, records: int) -> SimulationConfig:
    return SimulationConfig(records=records, partitions=scenario.partitions, workers=workers,
                            keys=scenario.keys,
                            distribution=scenario.distribution, producer=scenario.producer_override,
                            seed=scenario.seed, engine=engine)


def _source(scenario: Scenario, config: SimulationConfig) -> Any:
    # The keyed stage's columns come from the plan, not from the tree: a preset name is enough.
    tree = scenario.tree if scenario.tree_text is None else "extended"
    return whatif.keyed_source(scenario.sql, config, dialect=scenario.dialect, tree=tree,
                        source_keys=scenario.source_keys, statement=scenario.statement,
                        strategy=scenario.strategy_override)


@st.cache_data(max_entries=8, show_spinner=False)
def _counts(scenario: Scenario, engine: str, workers: int, records: int) -> Any:
    config = _config(scenario, engine, workers, records)
    src = _source(scenario, config)
    hasher, _ = whatif.engine_hook(engine)
    return whatif.count_keys(src.batches(), src.key_columns, hasher=hasher)


@st.cache_data(max_entries=16, show_spinner=False)
def _two_phase(scenario: Scenario, engine: str, workers: int, records: int,
               mini_batch: int) -> dict[str, Any]:
    src = _source(scenario, _config(scenario, engine, workers, records))
    hasher, placement = whatif.engine_hook(engine)
    return whatif.two_phase(src.batches(), src.key_columns, workers, mini_batch=mini_batch,
                            placement=placement, hasher=hasher).to_dict()


@st.cache_data(max_entries=16, show_spinner=False)
def _pkg(scenario: Scenario, engine: str, workers: int, records: int, d: int) -> dict[str, Any]:
    src = _source(scenario, _config(scenario, engine, workers, records))
    hasher, placement = whatif.engine_hook(engine)
    return whatif.partial_key_grouping(src.batches(), src.key_columns, workers, d=d, placement=placement,
                                hasher=hasher).to_dict()


def _show(fig_and_sentence: tuple[Any, str] | None, key: str) -> None:
    if fig_and_sentence is None:
        return
    fig, sentence = fig_and_sentence
    st.plotly_chart(fig, key=key)
    st.markdown(md_escape(sentence))


def _section(compute: Callable[[], dict[str, Any]], figure: Callable[[dict[str, Any]], Any],
             sentence: Callable[[dict[str, Any]], str], key: str) -> None:
    """Compute (errors shown here, right under the section's input), then the chart and its sentence."""
    data = call_safely(compute)
    if data is not None:
        _show((figure(data), sentence(data)), key)


def _inputs(scenario: Scenario) -> tuple[str, int, int, bool]:
    default_engine = engine_for_dialect(scenario.dialect)
    names = list(ENGINE_NAMES)
    cols = st.columns(3)
    engine = str(cols[0].selectbox("Engine", names, index=names.index(default_engine), key="whatif_engine",
                                   help="Whose hash places the keys (Flink: key groups)."))
    low, high = BOUNDS["workers"]
    workers = int(cols[1].number_input("Workers W", low, high, min(max(scenario.workers, low), high),
                                       key="whatif_workers"))
    records = int(cols[2].number_input("Records", 1, limits.DASHBOARD_MAX_RECORDS,
                                       min(scenario.records, _DEFAULT_RECORDS), step=50_000,
                                       key="whatif_records",
                                       help=f"At most {limits.DASHBOARD_MAX_RECORDS:,} on this server."))
    work = estimate_work(records, strategies=PASSES, keys=scenario.keys)
    problems = work.problems(DASHBOARD)
    if problems:
        st.error("Too much work for this server: " + md_escape("; ".join(problems)), icon=":material/error:")
        return engine, workers, records, False
    if work.fits(AUTO_RUN):
        return engine, workers, records, True
    st.info(f"{records:,} records take about {work.seconds:,.0f} s: the what-ifs run when you ask.")
    return engine, workers, records, bool(st.button("Run the what-ifs", key="whatif_run", type="primary"))


def render() -> None:
    st.title("What-ifs")
    scenario = current_scenario()
    st.page_link(page("analyze"), label="The query and topic come from Analyze & replay — change them there",
                 icon=":material/arrow_back:")
    with st.expander("Query", expanded=False):
        st.code(scenario.sql, language="sql")
    engine, workers, records, run = _inputs(scenario)
    if not run:
        return
    counts = call_safely(lambda: _counts(scenario, engine, workers, records), scenario.sql)
    if counts is None:
        return
    st.caption(f"The keyed stage sees {counts.records:,} records over {counts.keys:,} distinct keys.")
    _, placement = whatif.engine_hook(engine)
    config = _config(scenario, engine, workers, records)
    capacity = worker_capacity(config.cost_us, config.hash_cost_us, config.shuffle_cost_us, 1.0, 1.0)

    st.subheader("How many workers?")
    cols = st.columns(2)
    spec = cols[0].text_input("Worker counts to try", f"1:{max(2 * workers, 16)}", max_chars=200,
                              key="whatif_sweep",
                              help="A range 1:32, a range with a step 1:256:8, or a list 4,8,12.")
    rate = float(cols[1].number_input("Target rate (records/s, 0 = none)", 0.0, limits.MAX_RATE, 0.0,
                                      step=100_000.0, format="%.0f", key="whatif_rate"))
    _section(lambda: whatif.sweep(counts, whatif.parse_workers(spec), capacity=capacity, placement=placement,
                           target_rate=rate or None).to_dict(),
             charts.sweep_figure, charts.sweep_sentence, "whatif_sweep_chart")

    st.subheader("Rescaling: what moves?")
    target = int(st.number_input(f"Rescale from {workers} to W′ workers", 1, limits.MAX_WORKERS,
                                 min(workers + max(workers // 2, 1), limits.MAX_WORKERS),
                                 key="whatif_rescale"))
    # Per engine: the engine's own placement beside the other family (mod-W hashing vs key groups).
    keyed = isinstance(placement, whatif.KeyGroups)
    chosen = (whatif.ModHash(), placement) if keyed else (placement, whatif.KeyGroups())
    _section(lambda: whatif.rescale(counts, workers, target, placements=chosen).to_dict(),
             charts.rescale_figure, charts.rescale_sentence, "whatif_rescale_chart")

    st.subheader("Two-phase aggregation")
    mini_batch = int(st.number_input("Mini-batch size (records per worker)", 1, MAX_MINI_BATCH, 5_000,
                                     key="whatif_mini_batch"))
    _section(lambda: _two_phase(scenario, engine, workers, records, mini_batch),
             charts.two_phase_figure, charts.two_phase_sentence, "whatif_two_phase_chart")

    st.subheader("Salting the hot keys")
    cols = st.columns(2)
    salt = int(cols[0].number_input("Sub-keys per hot key", 2, MAX_SALT, 4, key="whatif_salt",
                               help=f"At most {MAX_SALT:,} sub-keys."))
    top = int(cols[1].number_input("Salt the N hottest keys (0 = every key above 1/W of the records)",
                                   0, 1_000, 1, key="whatif_salt_top"))
    hasher, _ = whatif.engine_hook(engine)
    _section(lambda: whatif.salting(counts, workers, salt, top_k=top or None, placement=placement,
                             hasher=hasher).to_dict(),
             charts.salting_figure, charts.salting_sentence, "whatif_salting_chart")

    st.subheader("Partial key grouping")
    d = int(st.number_input("Choices per key d", 1, MAX_CHOICES, 2, key="whatif_pkg"))
    _section(lambda: _pkg(scenario, engine, workers, records, d), charts.pkg_figure, charts.pkg_sentence,
             "whatif_pkg_chart")
