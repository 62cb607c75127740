"""The bench's stage section: a two-stage join + aggregate replay vs a one-stage one, per record."""

from __future__ import annotations

from core.bench.stages import STAGES_LIMIT, stages_section
from core.bench.table import format_table
from tests.bench.reports import minimal_report


def test_the_stage_section_measures_both_replays_and_states_the_target() -> None:
    section, (target,) = stages_section(5000, workers=2, keys=100, partitions=4, seed=0)
    one, two = section["one_stage"], section["two_stage"]
    assert [s["kind"] for s in one["stages"]] == ["hash"]
    assert [s["to"] for s in two["stages"]] == [2, 2, 3]  # both join inputs, then the aggregate
    assert one["records_read"] == 5000 and two["records_read"] == 10_000
    assert section["ratio_per_record"] == two["us_per_record"] / one["us_per_record"] > 0
    assert target["limit"] == STAGES_LIMIT and target["passed"] == (target["value"] <= STAGES_LIMIT)


def test_the_table_shows_the_stage_ratio() -> None:
    section, _ = stages_section(2000, workers=2, keys=50, partitions=2, seed=0)
    report = minimal_report(stages=section)
    table = format_table(report)
    assert "Stage replay: two-stage join + aggregate" in table
    assert f"ratio {section['ratio_per_record']:.2f}x per record read" in table
