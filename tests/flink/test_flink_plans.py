"""build_plan(engine="flink") against Apache Flink 2.3's own planner, one JVM for the whole session.

Every query of tests/plan/flink_queries.py is explained by PyFlink; its Exchange nodes (kind + keys,
order-insensitive) must equal build_plan's exchanges, up to the documented differences of
``flink_compare.py``. With ``PLAN_RECORD_FLINK=1`` the session also rewrites
tests/plan/flink_exchanges.json, the recorded ground truth the default suite checks without a JVM.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PLAN_TESTS = Path(__file__).resolve().parents[1] / "plan"
sys.path.insert(0, str(PLAN_TESTS))

from flink_compare import FRONT_END_GAPS, flink_side, ours  # noqa: E402
from flink_explain import exchanges_of  # noqa: E402
from flink_queries import DDL, QUERIES  # noqa: E402

pytestmark = pytest.mark.flink

RECORDED = PLAN_TESTS / "flink_exchanges.json"


@pytest.fixture(scope="session")
def table_env() -> Iterator[Any]:
    pytest.importorskip("pyflink")
    os.environ.setdefault("JVM_ARGS", "-Xmx768m -XX:+UseSerialGC")
    from pyflink.table import EnvironmentSettings, TableEnvironment

    env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
    for ddl in DDL:
        env.execute_sql(ddl)
    observed: dict[str, Any] = {}
    env._partition_lab_observed = observed  # type: ignore[attr-defined]
    yield env
    if os.environ.get("PLAN_RECORD_FLINK") == "1" and len(observed) == len(QUERIES):
        RECORDED.write_text(json.dumps(dict(sorted(observed.items())), indent=1) + "\n")


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_build_plan_matches_flink(table_env: Any, name: str) -> None:
    sql = QUERIES[name]
    found = exchanges_of(table_env.explain_sql(sql))
    table_env._partition_lab_observed[name] = {"sql": sql, "exchanges": found}
    if name in FRONT_END_GAPS:
        pytest.xfail(FRONT_END_GAPS[name])
    assert ours(sql) == flink_side(found, name)


def test_recorded_ground_truth_is_what_flink_says_now(table_env: Any) -> None:
    recorded = json.loads(RECORDED.read_text())
    assert set(recorded) == set(QUERIES)
    for name, entry in recorded.items():
        assert entry["sql"] == QUERIES[name], f"{name}: the recorded SQL is stale; re-record"
        assert exchanges_of(table_env.explain_sql(entry["sql"])) == entry["exchanges"], name
