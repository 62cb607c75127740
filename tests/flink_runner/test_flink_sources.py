"""Undeclared source tables: the datagen stand-in's columns and types come from how the query uses them."""

from __future__ import annotations

from core.flink.explain import _undeclared_sources
from core.flink.script import split_script
from core.flink.sources import InferredTable, infer_tables, inferred_ddl


def _one(sql: str) -> InferredTable:
    (table,) = infer_tables([sql], set())
    return table


def test_a_window_tvf_time_column_is_the_event_time_and_arithmetic_makes_numbers() -> None:
    t = _one("SELECT window_start, symbol, SUM(price * quantity) AS notional FROM TABLE(TUMBLE(TABLE "
             "trades, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end, symbol")
    assert t.name == "trades" and t.watermark == "ts"
    assert dict(t.columns) == {"symbol": "STRING", "price": "DOUBLE", "quantity": "DOUBLE",
                               "ts": "TIMESTAMP(3)"}


def test_qualified_columns_go_to_their_alias_table() -> None:
    tables = {t.name: t for t in infer_tables([
        "SELECT o.order_id, SUM(o.amount) AS total, s.carrier FROM orders o JOIN shipments AS s "
        "ON o.order_id = s.order_id "
        "AND s.ship_time BETWEEN o.order_time AND o.order_time + INTERVAL '4' HOUR "
        "WHERE o.amount > 10 GROUP BY o.order_id, s.carrier"], set())}
    assert dict(tables["orders"].columns) == {"order_id": "STRING", "amount": "DOUBLE",
                                              "order_time": "TIMESTAMP(3)"}
    assert dict(tables["shipments"].columns) == {"carrier": "STRING", "order_id": "STRING",
                                                 "ship_time": "TIMESTAMP(3)"}
    assert tables["orders"].watermark == "order_time" and tables["shipments"].watermark == "ship_time"


def test_declared_tables_outputs_and_interval_units_are_not_columns() -> None:
    assert infer_tables(["SELECT k, COUNT(*) AS n FROM t GROUP BY k"], {"t"}) == []
    t = _one("SELECT k, COUNT(*) AS n FROM t WHERE ts > CURRENT_TIMESTAMP - INTERVAL '1' HOUR GROUP BY k")
    assert [c for c, _ in t.columns] == ["k", "ts"]


def test_the_stand_in_ddl_is_datagen_with_a_watermark() -> None:
    ddl = inferred_ddl(InferredTable("clicks", (("user_id", "STRING"), ("ts", "TIMESTAMP(3)")), "ts"))
    assert ddl == ("CREATE TEMPORARY TABLE `clicks` (`user_id` STRING, `ts` TIMESTAMP(3), WATERMARK FOR `ts` "
                   "AS `ts` - INTERVAL '1' SECOND) WITH ('connector' = 'datagen')")
    assert "clicks is not declared" in InferredTable("clicks", (), None).describe()


def test_a_script_infers_only_what_its_ddl_and_views_do_not_declare() -> None:
    script = split_script("""
        CREATE TABLE orders (id BIGINT) WITH ('connector' = 'kafka');
        CREATE VIEW big AS SELECT id, amount FROM payments WHERE amount > 100;
        INSERT INTO out_sink SELECT o.id, b.amount FROM orders o JOIN big b ON o.id = b.id;
    """)
    (payments,) = _undeclared_sources(script)
    assert payments.name == "payments" and dict(payments.columns) == {"id": "STRING", "amount": "DOUBLE"}
