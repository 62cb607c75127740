"""`verify` against Flink 2.3's own planner: one JVM for the whole module (marked `flink`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

pytestmark = pytest.mark.flink
pytest.importorskip("pyflink")

from core.flink.errors import FlinkRejectedError  # noqa: E402
from core.flink.explain import explain_script  # noqa: E402
from core.flink.runner import FlinkSession  # noqa: E402
from core.flink.verify import verify_report  # noqa: E402

SCRIPT = """
CREATE TABLE orders (order_id BIGINT, region STRING, amount DOUBLE,
  ts TIMESTAMP(3) METADATA FROM 'timestamp',
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH ('connector' = 'kafka', 'topic' = 'orders', 'properties.bootstrap.servers' = 'nowhere:9092',
        'format' = 'json');
CREATE TABLE shipments (order_id BIGINT, carrier STRING, PRIMARY KEY (order_id) NOT ENFORCED)
  WITH ('connector' = 'upsert-kafka', 'topic' = 'ship');
-- 1: GROUP BY
SELECT region, SUM(amount) AS total FROM orders GROUP BY region;
-- 2: join then GROUP BY, into a sink nobody declared
INSERT INTO per_carrier SELECT s.carrier, COUNT(*) AS n
  FROM orders o JOIN shipments s ON o.order_id = s.order_id GROUP BY s.carrier;
-- 3: global aggregate
SELECT COUNT(*) FROM orders;
-- 4: Top-N
SELECT * FROM (SELECT order_id, region, amount,
  ROW_NUMBER() OVER (PARTITION BY region ORDER BY amount DESC) AS rn FROM orders) WHERE rn <= 3;
"""

# What Partition Lab's plan says for these statements (hand-written until plan.exchanges lands on main).
EXPECTED_PL: list[list[tuple[str, tuple[str, ...]]]] = [
    [("hash", ("region",))],
    [("hash", ("o.order_id",)), ("hash", ("s.order_id",)), ("hash", ("s.carrier",))],
    [("single", ())],
    [("hash", ("region",))],
]


class _Shared:
    """Lends the module's session to code that opens (and would close) its own."""

    def __init__(self, session: FlinkSession) -> None:
        self.session = session

    def __call__(self, **kwargs: Any) -> _Shared:
        return self

    def __enter__(self) -> FlinkSession:
        return self.session

    def __exit__(self, *exc: object) -> None:
        return None


@pytest.fixture(scope="module")
def session(flink_session: FlinkSession) -> Iterator[FlinkSession]:
    flink_session.reset()  # the session's JVM is shared (tests/flink/conftest.py): start from a clean catalog
    yield flink_session


@pytest.fixture(scope="module")
def explained(session: FlinkSession) -> Any:
    return explain_script(SCRIPT, session)


def test_flink_agrees_on_group_by_join_global_and_top_n(explained: Any) -> None:
    report = verify_report(explained, EXPECTED_PL)
    assert report["flink_version"] == "2.3.0"
    assert [s["agree"] for s in report["statements"]] == [True, True, True, True], report
    join = report["statements"][1]
    assert [(e["kind"], e["keys"], e["feeds"]) for e in join["flink"]] == [
        ("hash", ["carrier"], "GroupAggregate"), ("hash", ["order_id"], "Join"),
        ("hash", ["order_id"], "Join")]
    assert any("per_carrier is not declared" in n for n in join["notes"])
    subs = report["substituted_sources"]
    assert any("orders: 'kafka' replaced by 'datagen'" in s and "metadata columns ts" in s for s in subs)
    assert any("shipments: 'upsert-kafka' replaced by 'datagen'" in s for s in subs)


def test_a_wrong_expectation_is_reported_as_different(explained: Any) -> None:
    wrong = [list(x) for x in EXPECTED_PL]
    wrong[2] = [("hash", ("order_id",))]
    report = verify_report(explained, wrong)
    assert [s["agree"] for s in report["statements"]] == [True, True, False, True]


def test_a_statement_flink_rejects_is_a_clean_error_with_flinks_message(session: FlinkSession) -> None:
    with pytest.raises(FlinkRejectedError) as info:
        explain_script("SELECT 1 FROM orders;\nSELECT no_such_function(region) FROM orders", session)
    message = str(info.value)
    assert "Flink rejected statement 2" in message and "no_such_function" in message.lower()
    assert "\tat " not in message and "org.apache" not in message


def test_the_verify_cli_prints_the_documented_json(session: FlinkSession, tmp_path: Any,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from core.cli import main

    path = tmp_path / "s.sql"
    path.write_text(SCRIPT.replace("orders", "orders2").replace("shipments", "shipments2")
                    .replace("per_carrier", "per_carrier2"))
    monkeypatch.setattr("core.flink.verify.partition_lab_exchanges", lambda sql, dialect: EXPECTED_PL)
    monkeypatch.setattr("core.flink.runner.FlinkSession", _Shared(session))
    assert main(["verify", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["engine"] == "flink" and len(doc["statements"]) == 4
    assert all({"index", "flink", "partition_lab", "agree", "notes"} <= set(s) for s in doc["statements"])
    assert all(s["agree"] for s in doc["statements"])
