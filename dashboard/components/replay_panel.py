"""Run the replay of every strategy (budget, cap, progress, errors) and summarise it."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.budget import AUTO_RUN, DASHBOARD, format_duration
from dashboard import charts, runner
from dashboard.charts.data import result_dict, strategy_items
from dashboard.colors import STREAMLIT_NAMED
from dashboard.components.analysis_panel import replay_headline
from dashboard.components.errors import call_safely
from dashboard.navigation import page
from dashboard.scenario import Scenario
from dashboard.text import md_escape

__all__ = [
    "run_replay",
    "render_summary",
    "verdict_badges",
    "render_replay",
    "plotly",
    "simulator_details",
    "PLOTLY_CONFIG",
]

# A short mode bar (no logo, no lasso/select tools a bar chart has no use for): less to cover a title.
PLOTLY_CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "toImage"],
    "responsive": True,
}

_APPROVED = "approved_replays"


def _plain(problems: list[str]) -> str:
    """The budget's reasons without CLI option dashes (the inputs here are named Records, Distinct keys)."""
    return "; ".join(problems).replace("--", "")


def _approved(scenario: Scenario) -> bool:
    return scenario in st.session_state.get(_APPROVED, set())


def run_replay(scenario: Scenario, *, key: str = "run_replay") -> Any | None:
    """The cached replay, run now if its estimate fits the auto-run budget (or the button was
    clicked and it fits the dashboard's budget); else None after saying why."""
    # SQL the analysis refuses (e.g. a window that puts each record in millions of windows) is never
    # replayed: its error, with the position, is the answer.
    if call_safely(lambda: runner.analysis(scenario), scenario.sql) is None:
        return None
    work = runner.estimate(scenario)
    refused = work.problems(DASHBOARD)
    if refused:
        st.error(
            f"This replay is too large for the dashboard: {md_escape(work.describe())}. "
            f"{md_escape(_plain(refused))}. Run `partition-lab simulate` from the command line for "
            "larger replays.",
            icon=":material/error:",
        )
        return None
    waits = work.problems(AUTO_RUN)
    if waits and not _approved(scenario):
        st.info(
            f"Estimated work: {md_escape(work.describe())}. Replays start by themselves only when small "
            f"({md_escape(_plain(waits))}), so this one waits for you.",
            icon=":material/hourglass_top:",
        )
        label = f"Run replay of {scenario.records:,} records (~{format_duration(work.seconds)})"
        if not st.button(label, key=key, type="primary"):
            return None
        st.session_state.setdefault(_APPROVED, set()).add(scenario)
    with st.status(f"Replaying {scenario.records:,} records through every strategy…") as status:
        bar = st.progress(0.0, text="starting")

        def progress(fraction: float) -> None:
            done = min(max(float(fraction), 0.0), 1.0)
            bar.progress(done, text=f"{done * scenario.records:,.0f} of {scenario.records:,} records")

        result = call_safely(lambda: runner.replay(scenario, progress), scenario.sql)
        if result is None:
            status.update(label="The replay failed", state="error", expanded=True)
            return None
        bar.progress(1.0, text=f"{scenario.records:,} records")
        status.update(
            label=f"Replayed {scenario.records:,} records · {len(result.strategies)} strategies · "
            f"{result.wall_s:.1f} s",
            state="complete",
            expanded=False,
        )
    return result


def verdict_badges(result: Any) -> None:
    """Green/red correctness badges, one per strategy, each with its one-sentence verdict."""
    data = result_dict(result)
    columns = st.columns(len(data["strategies"]))
    for column, (name, metrics) in zip(columns, data["strategies"].items(), strict=True):
        with column:
            ok = bool(metrics["correct"])
            # The name on its own line: "name: verdict" badges get truncated in narrow columns.
            st.markdown(f"**:{STREAMLIT_NAMED.get(name, 'gray')}[{name}]**")
            st.badge(
                "correct" if ok else "wrong results",
                icon=":material/check_circle:" if ok else ":material/cancel:",
                color="green" if ok else "red",
            )
            st.caption(md_escape(str(metrics["verdict"])))


def plotly(target: Any, fig: Any, key: str) -> None:
    """One plotly chart in ``target`` (``st`` or a column) with the dashboard's mode bar settings."""
    target.plotly_chart(fig, key=key, config=PLOTLY_CONFIG)


def simulator_details(result: Any, *, key: str) -> None:
    """The simulator's own speed on this machine, folded away: it is not a property of the modeled job."""
    data = result_dict(result)
    with st.expander("Details: how fast the simulator itself ran", icon=":material/speed:"):
        st.caption(
            f"The replay of {data['records']:,} records took {float(data.get('wall_s') or 0):.2f} s on this "
            "machine. These records/s measure the simulator (routing plus the slowest simulated worker), "
            "not your job: use the modeled throughput for that."
        )
        plotly(st, charts.measured_figure(result), f"{key}_measured")


def skew_section(result: Any) -> None:
    """The two skew tables (plain headers with help on hover, thousands separators, "—" explained)."""
    st.markdown("#### Skew metrics")
    for title, styler, helps in charts.skew_tables(result):
        st.markdown(f"**{title}**")
        config = {column: st.column_config.Column(column, help=text) for column, text in helps.items()}
        st.dataframe(styler, hide_index=True, width="stretch", column_config=config)  # type: ignore[arg-type]
    if any(m.get("max_median") is None for _, m in strategy_items(result)):
        st.caption(charts.NO_MEDIAN_NOTE)


def render_summary(result: Any, input_rate: float | None = None) -> None:
    """Recommendation vs best measured, simulation caveats, badges, loads and throughput."""
    data = result_dict(result)
    replay_headline(result, st.session_state.get("scenario"))  # the scenario the Analyze page drew
    for warning in data.get("warnings") or ():
        st.warning(md_escape(str(warning)), icon=":material/warning:")
    verdict_badges(result)
    left, right = st.columns(2, gap="large")
    plotly(left, charts.load_bars(result), "summary_loads")
    plotly(right, charts.throughput_figure(result, input_rate), "summary_throughput")
    simulator_details(result, key="summary_simulator")
    st.page_link(
        page("charts"),
        label="Every chart: skew table, backlog over time, hot keys…",
        icon=":material/bar_chart:",
    )


def result_producer(scenario: Scenario) -> str:
    if scenario.producer_override:
        return scenario.producer_override
    return "murmur2" if scenario.source_keys else "sticky (null keys)"


def render_replay(scenario: Scenario) -> Any | None:
    st.subheader("Replay: every strategy on the same records")
    st.caption(
        f"Synthetic topic: {scenario.records:,} records over {scenario.partitions} partitions "
        f"({result_producer(scenario)} producer), {scenario.keys:,} keys drawn "
        f"{md_escape(scenario.distribution)}, "
        f"seed {scenario.seed} → {scenario.workers} workers. Change it under Replay settings."
    )
    result = run_replay(scenario)
    if result is not None:
        render_summary(result, scenario.input_rate or None)
    return result
