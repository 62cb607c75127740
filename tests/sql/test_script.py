"""read_script: DDL of every family into catalog entries, SET lines, skipped statements, query sinks."""

from __future__ import annotations

import pytest

from core.errors import SqlSyntaxError
from core.sql import parse_script, read_script

FLINK = """SET 'parallelism.default' = '4';
SET table.exec.mini-batch.enabled=true;
CREATE TEMPORARY FUNCTION parse_ua AS 'com.example.ParseUa';
CREATE TABLE orders (
  order_id BIGINT,
  customer_id STRING,
  amount DECIMAL(10, 2),
  tags ARRAY<STRING>,
  ts TIMESTAMP(3) METADATA FROM 'timestamp',
  doubled AS amount * 2,
  PRIMARY KEY (order_id) NOT ENFORCED,
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) PARTITIONED BY (customer_id) WITH (
  'connector' = 'kafka', 'topic' = 'orders', 'key.fields' = 'customer_id', 'key.format' = 'raw'
);
CREATE TABLE totals (k STRING, c BIGINT, PRIMARY KEY (k) NOT ENFORCED)
  WITH ('connector' = 'upsert-kafka', 'topic' = 'totals');
CREATE TABLE orders_copy WITH ('topic' = 'orders2') LIKE orders;
CREATE TABLE fixed_out (a INT) WITH ('connector' = 'kafka', 'sink.partitioner' = 'fixed');
CREATE TABLE rr_out (a INT) WITH ('connector' = 'kafka', 'sink.partitioner' = 'round-robin');
CREATE TABLE gen (a INT) WITH ('connector' = 'datagen');
USE CATALOG prod;
INSERT INTO totals SELECT customer_id, COUNT(*) FROM orders GROUP BY customer_id;
CREATE VIEW big AS SELECT * FROM orders WHERE amount > 100;
"""


def tables(sql: str, dialect: str) -> dict[str, object]:
    return {t.name: t for t in read_script(sql, dialect).tables}


def test_flink_ddl_is_read_into_catalog_entries() -> None:
    script = read_script(FLINK, "flink")
    assert script.settings == {"parallelism.default": "4", "table.exec.mini-batch.enabled": "true"}
    by = {t.name: t for t in script.tables}
    assert list(by) == ["orders", "totals", "orders_copy", "fixed_out", "rr_out", "gen"]
    o = by["orders"]
    assert [(c.name, c.type) for c in o.columns] == [
        ("order_id", "BIGINT"), ("customer_id", "STRING"), ("amount", "DECIMAL(10, 2)"),
        ("tags", "ARRAY<STRING>"), ("ts", "TIMESTAMP(3)"), ("doubled", None)]
    facts = (o.key, o.primary_key, o.partitioner, o.time_column)
    assert facts == (("customer_id",), ("order_id",), "murmur2", "ts")
    assert (o.connector, o.topic, o.key_format, o.line, o.source) == ("kafka", "orders", "raw", 4, "ddl")
    # upsert-kafka: keyed by its primary key
    assert by["totals"].key == ("k",) and by["totals"].partitioner == "murmur2"
    copy = by["orders_copy"]
    assert copy.topic == "orders2" and copy.key == ("customer_id",) and len(copy.columns) == 6
    assert by["fixed_out"].partitioner is None and "fixed" in by["fixed_out"].notes[0]
    assert by["rr_out"].partitioner == "round_robin"
    assert by["gen"].partitioner is None and by["gen"].connector == "datagen"


def test_flink_query_statements_record_kind_and_sink() -> None:
    script = read_script(FLINK, "flink")
    assert [(s.index, s.kind, s.sink, s.line) for s in script.statements] == [
        (0, "insert", "totals", 23), (1, "create_view", "big", 24)]
    assert [(k.line, k.col, k.why.split()[0]) for k in script.skipped] == [(3, 1, "CREATE"), (22, 1, "USE")]
    assert script.skipped[0].text_head.startswith("CREATE TEMPORARY FUNCTION")


def test_ksqldb_keyed_stream_and_source_table() -> None:
    sql = """CREATE SOURCE TABLE users (id VARCHAR PRIMARY KEY, name VARCHAR)
      WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON', PARTITIONS=6);
    CREATE STREAM pageviews (user_id VARCHAR KEY, page VARCHAR, ts BIGINT)
      WITH (KAFKA_TOPIC='pageviews', PARTITIONS=3, VALUE_FORMAT='JSON', TIMESTAMP='ts');
    CREATE STREAM plain (a INT) WITH (KAFKA_TOPIC='plain', PARTITIONS=2, VALUE_FORMAT='JSON');
    CREATE STREAM by_page AS SELECT * FROM pageviews PARTITION BY page EMIT CHANGES;"""
    script = read_script(sql, "ksqldb")
    by = {t.name: t for t in script.tables}
    u, pv = by["users"], by["pageviews"]
    assert (u.kind, u.key, u.primary_key, u.partitions) == ("table", ("id",), ("id",), 6)
    assert u.partitioner == "murmur2"
    assert (pv.kind, pv.key, pv.partitions, pv.time_column) == ("stream", ("user_id",), 3, "ts")
    assert pv.key_format == "KAFKA"
    assert by["plain"].partitioner == "sticky" and by["plain"].key == ()
    assert [(s.kind, s.sink) for s in script.statements] == [("create_stream", "by_page")]


def test_risingwave_source_table_sink_and_materialized_view() -> None:
    sql = """CREATE SOURCE clicks (id INT, url VARCHAR, ts TIMESTAMP,
        WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
      INCLUDE key AS click_key
      WITH (connector='kafka', topic='clicks', properties.bootstrap.server='broker:9092')
      FORMAT PLAIN ENCODE JSON;
    CREATE TABLE users (id INT, name VARCHAR, PRIMARY KEY (id))
      WITH (connector='kafka', topic='users') FORMAT UPSERT ENCODE JSON (schema.registry = 'http://r:8081');
    CREATE MATERIALIZED VIEW per_url AS SELECT url, COUNT(*) AS n FROM clicks GROUP BY url;
    CREATE SINK out FROM per_url WITH (connector='kafka', topic='out', primary_key='url');
    CREATE SINK out2 AS SELECT url FROM per_url WITH (connector='kafka', topic='out2');"""
    script = read_script(sql, "risingwave")
    by = {t.name: t for t in script.tables}
    assert (by["clicks"].kind, by["clicks"].key, by["clicks"].time_column) == ("source", ("click_key",), "ts")
    assert by["users"].key == ("id",) and by["users"].partitioner == "murmur2" and by["users"].notes
    assert (by["out"].kind, by["out"].key, by["out"].partitioner) == ("sink", ("url",), "crc32")
    assert [(s.kind, s.sink) for s in script.statements] == [("create_view", "per_url"), ("insert", "out2")]


def test_databricks_pipeline_statements_read_their_stream_source() -> None:
    sql = """CREATE OR REFRESH STREAMING TABLE raw_events (
        id INT, kind STRING,
        CONSTRAINT valid_id EXPECT (id IS NOT NULL) ON VIOLATION DROP ROW
      ) PARTITIONED BY (kind) COMMENT 'raw events' TBLPROPERTIES ('quality' = 'bronze')
      AS SELECT * FROM STREAM(read_files('/data/events', format => 'json'));
    CREATE OR REFRESH STREAMING TABLE clean AS SELECT id, kind FROM STREAM(live.raw_events) WHERE id > 0;
    CREATE STREAMING LIVE TABLE clean2 AS SELECT id FROM STREAM live.clean;
    CREATE OR REFRESH MATERIALIZED VIEW per_kind AS SELECT kind, COUNT(*) AS n FROM live.clean GROUP BY kind;
    CREATE TABLE k (key BINARY, value BINARY) USING kafka OPTIONS (subscribe 'events');
    CREATE TABLE d (a INT) USING delta LOCATION '/tables/d' CLUSTER BY (a);"""
    script = read_script(sql, "spark")
    stmts = script.statements
    assert [(s.kind, s.sink) for s in stmts] == [
        ("create_table", "raw_events"), ("create_table", "clean"), ("create_table", "clean2"),
        ("create_view", "per_kind")]
    assert stmts[0].clauses.create is not None and stmts[0].clauses.create.columns == ("id", "kind")
    from core.analysis.extract import profile_statement

    assert profile_statement(stmts[1]).sources == ("live.raw_events",)
    assert profile_statement(stmts[2]).sources == ("live.clean",)
    by = {t.name: t for t in script.tables}
    assert [c.name for c in by["k"].columns] == ["key", "value"] and by["k"].topic == "events"
    assert by["d"].connector == "delta" and by["d"].partitioner is None


def test_bom_statement_sets_and_annotations() -> None:
    sql = "\ufeff-- @partitioned_by: a\nCREATE TABLE t (a INT) WITH ('connector'='kafka');\n" \
          "EXECUTE STATEMENT SET BEGIN\nINSERT INTO o SELECT a FROM t;\nEND;"
    script = read_script(sql, "flink")
    assert [s.sink for s in script.statements] == ["o"]
    assert script.statements[0].annotations == {"partitioned_by": "a"}
    assert script.skipped[-1].why.startswith("END")
    assert parse_script(sql, "flink")[0].sink == "o"


@pytest.mark.parametrize(
    ("sql", "dialect", "message", "line", "col"),
    [
        ("CREATE TABLE t (a INT) WITH ('connector' = 'kafka') FROBNICATE", "flink",
         "unexpected 'FROBNICATE' in CREATE TABLE t", 1, 53),
        ("CREATE STREAM s (a INT) WITH (KAFKA_TOPIC='s', PARTITIONS=0);\nSELECT 1", "ksqldb",
         "PARTITIONS must be a whole number from 1 to", 1, 48),
        ("SELECT 1;\nCREATE TABLE t (\n  a INT,\n  ,b INT)", "flink", "an empty entry", 2, 16),
        ("CREATE TABLE t (a INT, PRIMARY KEY NOT ENFORCED)", "flink", "PRIMARY KEY needs its columns", 1, 24),
        ("CREATE TABLE t (a INT, WATERMARK ts)", "flink", "WATERMARK needs a column", 1, 24),
        ("CREATE TABLE t (a INT) WITH ('connector')", "flink", "expected 'key' = 'value'", 1, 30),
        ("CREATE TABLE t (a INT);\nSET x =", "flink", "SET needs a name and a value", 2, 1),
        ("CREATE TABLE t (a INT) STORED AS parquet", "spark", "Hive storage clauses", 1, 24),
        ("CREATE SOURCE s (a INT) FORMAT", "risingwave", "FORMAT needs a format", 1, 30),
        ("CREATE TABLE t (a INT)", "flink", "only declarations and settings, no query", 1, 1),
    ],
)
def test_ddl_we_do_not_understand_is_a_positioned_error(
    sql: str, dialect: str, message: str, line: int, col: int
) -> None:
    with pytest.raises(SqlSyntaxError) as info:
        parse_script(sql, dialect)
    assert message in info.value.message
    assert (info.value.line, info.value.col) == (line, col), info.value


def test_read_script_alone_accepts_a_declarations_only_file() -> None:
    script = read_script("CREATE TABLE t (a INT) WITH ('connector' = 'kafka', 'topic' = 't');", "flink")
    assert script.statements == () and script.tables[0].topic == "t"


def test_new_samples_declare_their_sources() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "sample_queries"
    expected = {
        "flink_orders_ddl_join_then_group_by.sql": (
            "flink", {"orders": ("customer_id",), "customers": ("id",)}),
        "ksqldb_pageviews_keyed_regroup.sql": ("ksqldb", {"pageviews": ("user_id",)}),
        "risingwave_clicks_source_materialized_view.sql": ("risingwave", {"clicks": ("click_key",)}),
        "flink_nexmark_hot_auctions.sql": ("flink", {"bid": ("auction",)}),
        "flink_bids_window_top_n.sql": ("flink", {"bids": ()}),
    }
    for name, (dialect, keys) in expected.items():
        script = read_script((root / name).read_text(encoding="utf-8"), dialect)
        by = {t.name: t.key for t in script.tables}
        assert {k: by[k] for k in keys} == keys, name
    text = (root / "spark_databricks_orders_pipeline.sql").read_text(encoding="utf-8")
    sinks = [s.sink for s in read_script(text, "spark").statements]
    assert sinks == ["bronze_orders", "silver_orders", "gold_customer_revenue"]
