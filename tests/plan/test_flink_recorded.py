"""build_plan(engine="flink") against Flink 2.3's exchanges as recorded in flink_exchanges.json (no JVM).

tests/flink/test_flink_plans.py checks the same queries against a live PyFlink and re-records the
file (PLAN_RECORD_FLINK=1).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flink_compare import FRONT_END_GAPS, flink_side, ours, strip_cast
from flink_queries import QUERIES

RECORDED = json.loads((Path(__file__).parent / "flink_exchanges.json").read_text())


def test_every_query_is_recorded_with_its_current_sql() -> None:
    assert len(QUERIES) >= 40
    assert set(RECORDED) == set(QUERIES)
    for name, entry in RECORDED.items():
        assert entry["sql"] == QUERIES[name], name


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_exchanges_match_flink(name: str) -> None:
    if name in FRONT_END_GAPS:
        pytest.xfail(FRONT_END_GAPS[name])
    assert ours(QUERIES[name]) == flink_side(RECORDED[name]["exchanges"], name)


def test_the_recording_covers_every_exchange_kind_flink_uses_here() -> None:
    kinds = {e["kind"] for entry in RECORDED.values() for e in entry["exchanges"]}
    assert kinds == {"hash", "single"}
    assert sum(len(entry["exchanges"]) for entry in RECORDED.values()) >= 60


def test_strip_cast_only_drops_a_whole_cast_wrapper() -> None:
    assert strip_cast("cast(mod(order_id,10)asbigint)") == "mod(order_id,10)"
    assert strip_cast("mod(cast(x asint),10)") == "mod(cast(x asint),10)"
