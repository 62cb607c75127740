"""AppTest of the What-ifs page: each what-if draws its chart and its sentence; a bad input shows its
error right below that input."""

from __future__ import annotations

from typing import Any

import pytest
from dashboard_probe import plotly_figures
from streamlit.testing.v1 import AppTest

from dashboard.scenario import Scenario

pytestmark = pytest.mark.usefixtures("needs_simulation")

SMALL = Scenario(sql="SELECT symbol, COUNT(*) FROM trades GROUP BY symbol", records=20_000, keys=100,
                 statement=0)


def _page() -> None:
    from dashboard.views import whatif

    whatif.render()


def _open(scenario: Scenario = SMALL) -> AppTest:
    at = AppTest.from_function(_page, default_timeout=120)
    at.session_state["scenario"] = scenario
    at.run()
    assert not at.exception, at.exception
    return at


def _in_order(at: AppTest) -> list[Any]:
    """Every element in page order (depth first, children in order)."""
    out: list[Any] = []

    def visit(node: Any) -> None:
        out.append(node)
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for key in sorted(children):
                visit(children[key])

    visit(at._tree)
    return out


TITLES = ("Worker sweep", "Rescale 4 → 6 workers", "Two-phase", "Salting hot keys",
          "Partial key grouping")


def test_every_what_if_draws_its_chart_and_sentence() -> None:
    at = _open()
    titles = [f["layout"]["title"]["text"] for f in plotly_figures(at)]
    for title in TITLES:
        assert sum(t.startswith(title) for t in titles) == 1, (title, titles)
    assert all(len(t) <= 38 for t in titles), titles  # a longer title is cut on a phone
    sentences = [m.value for m in at.markdown]
    for start in ("The stage peaks at", "Going from 4 to 6 workers", "With a local pre\\-aggregate",
                  "Salting symbol\\_0", "Letting each key use"):
        assert any(s.startswith(start) for s in sentences), start
    assert not at.error


def test_target_rate_names_the_workers_needed() -> None:
    at = _open()
    at.number_input(key="whatif_rate").set_value(300_000.0).run()
    assert not at.exception
    assert any("workers are enough for 300,000 records/s" in m.value for m in at.markdown)


def test_a_bad_sweep_shows_its_error_below_the_sweep_input() -> None:
    at = _open()
    at.text_input(key="whatif_sweep").input("1:two").run()
    assert not at.exception
    (error,) = at.error
    assert "sweep must look like 1\\:16" in error.value  # Markdown-escaped user words
    order = _in_order(at)
    position = {id(e): i for i, e in enumerate(order)}
    sweep_input = position[id(at.text_input(key="whatif_sweep"))]
    rescale_heading = next(i for i, e in enumerate(order)
                           if getattr(e, "value", None) == "Rescaling: what moves?")
    assert sweep_input < position[id(error)] < rescale_heading
    # The other what-ifs still answer.
    assert len(plotly_figures(at)) == 4


def test_a_statement_without_a_keyed_stage_says_what_to_use() -> None:
    at = _open(Scenario(sql="SELECT * FROM trades WHERE price > 10", records=1_000, statement=0))
    assert "has no keyed stage" in at.error[0].value
    assert not plotly_figures(at)


def test_above_the_auto_run_budget_it_waits_for_a_click() -> None:
    at = _open(Scenario(sql=SMALL.sql, records=2_000_000, keys=100, statement=0))
    at.number_input(key="whatif_records").set_value(1_000_000).run()
    assert not plotly_figures(at)
    assert at.button(key="whatif_run").label == "Run the what-ifs"
