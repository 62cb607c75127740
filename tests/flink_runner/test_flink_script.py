"""Splitting a Flink script and replacing sources Flink cannot run here with datagen."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.flink.errors import FlinkError
from core.flink.measure import source_tables, trace_table
from core.flink.rest import check_port_free, parse_host_port
from core.flink.script import insert_parts, runnable_ddl, sink_tables, split_script

KAFKA = """CREATE TABLE orders (
  order_id BIGINT,
  region STRING,
  amount DECIMAL(10, 2),
  ts TIMESTAMP(3) METADATA FROM 'timestamp' VIRTUAL,
  total AS amount * 2,
  PRIMARY KEY (order_id) NOT ENFORCED,
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH ('connector' = 'kafka', 'topic' = 'a;b', 'format' = 'json')"""


def test_split_keeps_semicolons_in_quotes_and_drops_comments() -> None:
    sts = split_script(KAFKA + ";\n-- a comment; with a semicolon\nSELECT 'x;y' FROM orders; /* c; */ "
                       "INSERT INTO out SELECT * FROM orders;")
    assert [s.role for s in sts] == ["ddl", "query", "query"]
    assert "'a;b'" in sts[0].text and sts[1].text == "SELECT 'x;y' FROM orders"
    assert sink_tables(sts) == {"out"}


def test_kafka_becomes_datagen_with_key_watermark_and_computed_column_kept() -> None:
    new, sub = runnable_ddl(KAFKA)
    assert sub is not None and sub.original == "kafka" and sub.replacement == "datagen"
    assert sub.dropped_metadata == ("ts",)
    assert "'connector' = 'datagen'" in new and "kafka" not in new and "METADATA" not in new
    for kept in ("PRIMARY KEY (order_id) NOT ENFORCED", "WATERMARK FOR ts AS ts - INTERVAL '1' SECOND",
                 "total AS amount * 2", "amount DECIMAL(10, 2)", "ts TIMESTAMP(3)"):
        assert kept in new
    assert "metadata columns ts became plain columns" in sub.describe()


def test_runnable_tables_stay_and_sinks_become_blackhole() -> None:
    fs = "CREATE TABLE t (a INT) WITH ('connector'='filesystem', 'path'='/x', 'format'='csv')"
    assert runnable_ddl(fs) == (fs, None)
    new, sub = runnable_ddl("CREATE TABLE s (a INT) WITH ('connector'='upsert-kafka')", sink=True)
    assert sub is not None and sub.replacement == "blackhole" and "'blackhole'" in new
    new, sub = runnable_ddl("CREATE TABLE n (a INT)")
    assert sub is not None and sub.original == "" and "no connector" in sub.describe()
    assert runnable_ddl("CREATE VIEW v AS SELECT 1") == ("CREATE VIEW v AS SELECT 1", None)


def test_insert_parts() -> None:
    assert insert_parts("INSERT INTO `db`.`out` (a, b) SELECT a, b FROM t") == ("db.out", ("a", "b"),
                                                                              "SELECT a, b FROM t")
    assert insert_parts("SELECT 1") is None


def test_source_tables_finds_tvf_tables_and_skips_ctes() -> None:
    assert source_tables("SELECT * FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' MINUTE))") \
        == {"trades"}
    assert source_tables("WITH c AS (SELECT * FROM a) SELECT * FROM c JOIN b ON c.k = b.k") == {"a", "b"}


def test_trace_table_uses_the_declared_columns_in_order(tmp_path: Path) -> None:
    trace = tmp_path / "t.csv"
    trace.write_text("amount,user_id\n5,u1\n7,u2\n")
    sql = ("CREATE TABLE ev (user_id STRING, amount BIGINT, WATERMARK FOR x AS x) WITH ('connector'='kafka');"
           "SELECT user_id, COUNT(*) FROM ev GROUP BY user_id")
    ddl, name, rows = trace_table(sql, str(trace), str(tmp_path))
    assert (name, rows) == ("ev", 2) and "'connector' = 'filesystem'" in ddl and "WATERMARK" in ddl
    assert (tmp_path / "trace.csv").read_text().split() == ['"u1",5', '"u2",7']  # declared order
    ddl, _, _ = trace_table("SELECT user_id FROM ev", str(trace), str(tmp_path))
    assert "`amount` BIGINT, `user_id` STRING" in ddl
    with pytest.raises(FlinkError, match="one source table"):
        trace_table("SELECT * FROM a JOIN b ON a.k = b.k", str(trace), str(tmp_path))


def test_rest_arguments_and_a_port_in_use() -> None:
    import socket

    assert parse_host_port("10.0.0.1:8081") == ("10.0.0.1", 8081)
    with pytest.raises(FlinkError, match="HOST:PORT"):
        parse_host_port("8081")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        with pytest.raises(FlinkError, match="is in use"):
            check_port_free(s.getsockname()[1])
