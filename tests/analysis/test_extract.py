"""QueryProfile extraction across statement kinds, clauses and dialects (the JSON contract's fields)."""

from __future__ import annotations

import pytest

from core.analysis.extract import extract_profiles
from core.analysis.profile import Aggregate, AnalyticWindow, Join, QueryProfile, TimeWindow
from core.bench.analysis_time import SIXTY_LINE_STATEMENT
from core.errors import SqlSyntaxError


def one(sql: str, dialect: str = "velostream") -> QueryProfile:
    (profile,) = extract_profiles(sql, dialect)
    return profile


def test_basic_velostream_windowed_group_by() -> None:
    p = one(
        "-- @name: volume\n"
        "SELECT symbol, COUNT(*) AS trades, SUM(qty) FROM trades "
        "GROUP BY symbol WINDOW TUMBLING(event_time, 1m) EMIT CHANGES"
    )
    assert p.index == 0 and p.kind == "select" and p.line == 2 and p.name == "volume"
    assert p.sources == ("trades",) and p.sink is None
    assert p.group_by == ("symbol",)
    assert p.window == TimeWindow("tumbling", size_ms=60_000, time_column="event_time")
    assert p.aggregates == (
        Aggregate("COUNT", None, "COUNT(*)"),
        Aggregate("SUM", "qty", "SUM(qty)"),
    )
    assert not p.global_aggregate
    assert p.emit == "changes"
    assert p.annotations == {"name": "volume"} and p.annotation_lines == {"name": 1}
    assert p.select_columns == ("symbol", "trades", "SUM(qty)")
    assert p.has_window


@pytest.mark.parametrize(
    ("sql", "kind", "name", "sink"),
    [
        ("SELECT a FROM t", "select", None, None),
        ("SELECT a FROM t EMIT CHANGES INTO out", "select", None, "out"),
        ("CREATE STREAM s AS SELECT a FROM t", "create_stream", "s", "s"),
        ("CREATE TABLE tot AS SELECT a, COUNT(*) FROM t GROUP BY a", "create_table", "tot", "tot"),
        ("INSERT INTO sink_t SELECT a FROM t", "insert", None, "sink_t"),
        ("INSERT INTO sink_t (a, b) SELECT a, b FROM t", "insert", None, "sink_t"),
    ],
)
def test_kinds_names_and_sinks(sql: str, kind: str, name: str | None, sink: str | None) -> None:
    p = one(sql)
    assert (p.kind, p.name, p.sink) == (kind, name, sink)


def test_name_annotation_loses_to_create_name() -> None:
    assert one("-- @name: job\nCREATE STREAM s AS SELECT a FROM t").name == "s"


def test_sources_through_ctes_and_subqueries_never_cte_names() -> None:
    p = one(
        "WITH recent AS (SELECT * FROM orders WHERE ts > 0) "
        "SELECT r.k FROM recent r JOIN (SELECT k FROM customers) c ON r.k = c.k "
        "WHERE r.k IN (SELECT k FROM vip) AND r.k IN (SELECT k FROM orders)"
    )
    assert p.sources == ("orders", "customers", "vip")


@pytest.mark.parametrize(
    ("group_by", "expected"),
    [
        ("symbol", ("symbol",)),
        ("t.symbol", ("symbol",)),
        ("1", ("symbol",)),
        ("sym", ("symbol",)),
        ('"Symbol"', ("Symbol",)),
        ("symbol, region", ("symbol", "region")),
        ("FLOOR(price / 10)", ("FLOOR(price / 10)",)),
        ("2", ("FLOOR(price / 10)",)),
        ("symbol, _WINDOW_START", ("symbol", "_WINDOW_START")),
        ("window_start, window_end, symbol", ("window_start", "window_end", "symbol")),
    ],
)
def test_group_by_keys(group_by: str, expected: tuple[str, ...]) -> None:
    p = one(f"SELECT t.symbol AS sym, FLOOR(price / 10) AS bucket, COUNT(*) FROM t GROUP BY {group_by}")
    assert p.group_by == expected
    # Window bounds are written keys but never route records.
    assert p.grouping_keys == tuple(k for k in expected if "window" not in k.lower())


def test_global_aggregate() -> None:
    assert one("SELECT COUNT(*) FROM t").global_aggregate
    assert one("SELECT COUNT(*) FROM t WINDOW TUMBLING(1m)").global_aggregate
    assert not one("SELECT a, COUNT(*) FROM t GROUP BY a").global_aggregate
    assert not one("SELECT a FROM t").global_aggregate


def test_aggregates_distinct_and_analytic_are_separate() -> None:
    p = one("SELECT COUNT(DISTINCT u), MAX(x), SUM(x) OVER (PARTITION BY k) FROM t HAVING AVG(y) > 1")
    assert [a.sql for a in p.aggregates] == ["COUNT(DISTINCT u)", "MAX(x)", "AVG(y)"]
    assert p.aggregates[0].distinct and p.aggregates[0].column == "u"
    assert p.analytic == (AnalyticWindow("SUM", ("k",)),)


def test_order_by_limit_distinct() -> None:
    p = one("SELECT DISTINCT a, t.b AS bee FROM t ORDER BY a DESC, t.b ASC LIMIT 10")
    assert p.order_by == ("a", "b")
    assert p.limit == 10
    assert p.distinct and p.distinct_columns == ("a", "b")
    assert p.select_columns == ("a", "bee")


def test_analytic_windows_with_row_buffers() -> None:
    p = one(
        "SELECT LAG(price, 1) OVER (ROWS WINDOW BUFFER 100 ROWS PARTITION BY s.symbol ORDER BY ts), "
        "ROW_NUMBER() OVER (PARTITION BY region ORDER BY ts DESC), "
        "AVG(price) OVER (ROWS WINDOW BUFFER 20 ROWS PARTITION BY symbol EXPIRE AFTER NEVER) FROM s"
    )
    assert p.analytic == (
        AnalyticWindow("LAG", ("symbol",), ("ts",), 100),
        AnalyticWindow("ROW_NUMBER", ("region",), ("ts",), None),
        AnalyticWindow("AVG", ("symbol",), (), 20),
    )
    assert p.has_window and p.window is None


def test_joins_keys_sides_kinds_and_within() -> None:
    p = one(
        "SELECT * FROM orders o LEFT OUTER JOIN customers c ON c.id = o.customer_id WITHIN 1h "
        "FULL OUTER JOIN shipments s ON s.order_id = o.id AND s.region = c.region "
        "INNER JOIN payments ON payments.order_id = o.id"
    )
    assert p.joins == (
        Join("orders", "customers", (("customer_id", "id"),), "left", 3_600_000),
        Join("orders", "shipments", (("id", "order_id"), ("region", "region")), "full", None),
        Join("orders", "payments", (("id", "order_id"),), "inner", None),
    )
    assert p.sources == ("orders", "customers", "shipments", "payments")


def test_join_left_side_follows_the_key_qualifier() -> None:
    p = one("SELECT * FROM a JOIN b ON a.k = b.k JOIN c ON b.x = c.x")
    assert [(j.left, j.right, j.keys) for j in p.joins] == [
        ("a", "b", (("k", "k"),)),
        ("b", "c", (("x", "x"),)),
    ]


def test_interval_join_bound() -> None:
    p = one(
        "SELECT * FROM orders o JOIN shipments s ON o.id = s.order_id "
        "AND s.ts BETWEEN o.ts AND o.ts + INTERVAL '2' HOUR"
    )
    assert p.joins == (Join("orders", "shipments", (("id", "order_id"),), "interval", 7_200_000),)


def test_join_using() -> None:
    assert one("SELECT * FROM a JOIN b USING (k)").joins == (Join("a", "b", (("k", "k"),)),)


def test_properties_primary_key_and_strategy_override() -> None:
    p = one(
        "CREATE STREAM out AS SELECT symbol PRIMARY KEY, COUNT(*) FROM trades WITH (type = 'kafka_source') "
        "GROUP BY symbol EMIT CHANGES WITH ('partitioning_strategy' = 'always_hash', 'out.topic' = 'o')"
    )
    assert p.primary_key == ("symbol",)
    assert p.with_properties == {
        "trades.type": "kafka_source",
        "partitioning_strategy": "always_hash",
        "out.topic": "o",
    }


@pytest.mark.parametrize(
    ("sql", "dialect", "window", "group_by"),
    [
        (
            "SELECT user_id, COUNT(*) FROM clicks WINDOW HOPPING (SIZE 1 MINUTE, ADVANCE BY 10 SECONDS) "
            "GROUP BY user_id EMIT CHANGES",
            "ksqldb",
            TimeWindow("hopping", size_ms=60_000, advance_ms=10_000),
            ("user_id",),
        ),
        (
            "SELECT window_start, window_end, item, SUM(price) "
            "FROM TABLE(HOP(TABLE bids, DESCRIPTOR(bidtime), INTERVAL '5' MINUTES, INTERVAL '10' MINUTES)) "
            "GROUP BY window_start, window_end, item",
            "flink",
            TimeWindow("hopping", size_ms=600_000, advance_ms=300_000, time_column="bidtime"),
            ("window_start", "window_end", "item"),
        ),
        (
            "SELECT user_id, COUNT(*) FROM ev GROUP BY TUMBLE(ts, INTERVAL '1' MINUTE), user_id",
            "flink",
            TimeWindow("tumbling", size_ms=60_000, time_column="ts"),
            ("user_id",),
        ),
        (
            "SELECT user_id FROM ev GROUP BY HOP(ts, INTERVAL '1' MINUTE, INTERVAL '5' MINUTE), user_id",
            "flink",
            TimeWindow("hopping", size_ms=300_000, advance_ms=60_000, time_column="ts"),
            ("user_id",),
        ),
        (
            "SELECT user_id FROM ev GROUP BY SESSION(ts, INTERVAL '30' SECOND), user_id",
            "flink",
            TimeWindow("session", gap_ms=30_000, time_column="ts"),
            ("user_id",),
        ),
        (
            "SELECT user, count(*) FROM ev GROUP BY window(ts, '10 minutes', '5 minutes'), user",
            "spark",
            TimeWindow("hopping", size_ms=600_000, advance_ms=300_000, time_column="ts"),
            ("user",),
        ),
        (
            "SELECT user, count(*) FROM ev GROUP BY window(ts, '10 minutes'), user",
            "spark",
            TimeWindow("tumbling", size_ms=600_000, time_column="ts"),
            ("user",),
        ),
        (
            "SELECT user, count(*) FROM ev GROUP BY session_window(ts, '5 minutes'), user",
            "spark",
            TimeWindow("session", gap_ms=300_000, time_column="ts"),
            ("user",),
        ),
        (
            "SELECT window_start, COUNT(*) FROM TUMBLE(bids, ts, INTERVAL '1 minute') GROUP BY window_start",
            "risingwave",
            TimeWindow("tumbling", size_ms=60_000, time_column="ts"),
            ("window_start",),
        ),
    ],
)
def test_windows_by_dialect(sql: str, dialect: str, window: TimeWindow, group_by: tuple[str, ...]) -> None:
    p = one(sql, dialect)
    assert p.window == window
    assert p.group_by == group_by
    assert p.sources and p.sources[0] in {"clicks", "bids", "ev"}


def test_ksqldb_partition_by_and_create_properties() -> None:
    p = one(
        "CREATE STREAM by_user WITH (KAFKA_TOPIC='by_user') AS SELECT * FROM clicks PARTITION BY user_id "
        "EMIT CHANGES",
        "ksqldb",
    )
    assert (p.kind, p.name, p.sink) == ("create_stream", "by_user", "by_user")
    assert p.partition_by == ("user_id",)
    assert p.with_properties == {"KAFKA_TOPIC": "by_user"}


def test_risingwave_emit_on_window_close_is_final() -> None:
    p = one(
        "SELECT window_start, COUNT(*) FROM HOP(bids, ts, INTERVAL '1 minute', INTERVAL '5 minutes') "
        "GROUP BY window_start EMIT ON WINDOW CLOSE",
        "risingwave",
    )
    assert p.emit == "final" and p.sources == ("bids",) and p.global_aggregate


def test_several_statements_keep_order_lines_and_text() -> None:
    profiles = extract_profiles(
        "-- @name: first\nCREATE STREAM a AS SELECT k PRIMARY KEY, v FROM src;\n\n"
        "-- @name: second\nSELECT k, COUNT(*) FROM a GROUP BY k WINDOW SESSION(5m);\n"
    )
    assert [(p.index, p.name, p.line) for p in profiles] == [(0, "a", 2), (1, "second", 5)]
    assert profiles[1].window == TimeWindow("session", gap_ms=300_000)
    assert profiles[0].sql == "CREATE STREAM a AS SELECT k PRIMARY KEY, v FROM src"


def test_union_uses_first_arm_and_all_sources() -> None:
    p = one("SELECT a FROM t1 UNION ALL SELECT a FROM t2")
    assert p.sources == ("t1", "t2") and p.select_columns == ("a",)


def test_errors_propagate() -> None:
    with pytest.raises(SqlSyntaxError):
        extract_profiles("SELECT a FROM t WINDOW SLIDING(1m)")


def test_sixty_line_statement_is_read_whole() -> None:
    # Speed is measured by `partition-lab bench`; this checks the same statement is read whole.
    (p,) = extract_profiles(SIXTY_LINE_STATEMENT)
    assert SIXTY_LINE_STATEMENT.count("\n") == 59
    assert p.group_by == ("sector", "symbol")
    assert p.window == TimeWindow("hopping", size_ms=600_000, advance_ms=60_000, time_column="event_time")
    assert [j.right for j in p.joins] == ["symbols", "sectors"]
    assert p.sink == "out" and p.with_properties.get("partitioning_strategy") == "hash"


def test_within_belongs_to_its_join_even_after_subquery_joins() -> None:
    p = one("SELECT * FROM (SELECT x.k FROM x JOIN y ON x.k = y.k) q JOIN orders AS o ON q.k = o.k WITHIN 5m")
    assert p.joins == (Join("q", "orders", (("k", "k"),), "interval", 300_000),)


def test_join_sides_resolve_single_table_ctes_and_subqueries() -> None:
    p = one(
        "WITH big AS (SELECT * FROM orders WHERE amount > 100) "
        "SELECT * FROM big b JOIN (SELECT * FROM customers) c ON b.cid = c.id "
        "JOIN (SELECT x.k FROM x JOIN y ON x.k = y.k) q ON q.k = b.k"
    )
    assert [(j.left, j.right, j.keys) for j in p.joins] == [
        ("orders", "customers", (("cid", "id"),)),
        ("orders", "q", (("k", "k"),)),
    ]


def test_order_by_position_and_alias() -> None:
    assert one("SELECT t.a AS x, b FROM t ORDER BY 2, x").order_by == ("b", "a")


def test_crlf_tabs_and_unicode() -> None:
    sql = "-- @name: ünï\r\nSELECT\tcafé, COUNT(*)\r\nFROM t\r\nGROUP BY café\r\nWINDOW TUMBLING(1m);\r\n"
    p = one(sql)
    assert (p.name, p.line, p.group_by) == ("ünï", 2, ("café",))
    with pytest.raises(SqlSyntaxError) as info:
        extract_profiles("SELECT a\r\nFROM t\r\nWINDOW SLIDING(1m)")
    assert (info.value.line, info.value.col) == (3, 8)


def test_comments_do_not_leak_into_sql_text() -> None:
    p = one("SELECT SUM(x) -- running total\n, FLOOR(y /* bucket */ / 10) AS b FROM t GROUP BY 2")
    assert [a.sql for a in p.aggregates] == ["SUM(x)"]
    assert p.group_by == ("FLOOR(y / 10)",)


def test_comma_join_keys_come_from_where() -> None:
    p = one(
        "SELECT * FROM orders o, shipments s WHERE o.id = s.order_id AND o.status = 'open' "
        "AND s.ts BETWEEN o.ts AND o.ts + INTERVAL '4' HOUR",
        "flink",
    )
    assert p.joins == (Join("orders", "shipments", (("id", "order_id"),), "interval", 14_400_000),)


def test_projection_over_a_grouping_subquery_or_cte_reports_the_grouping() -> None:
    sub = one("SELECT k, n FROM (SELECT k, COUNT(*) AS n FROM t GROUP BY k) WHERE n > 5")
    assert sub.group_by == ("k",) and [a.sql for a in sub.aggregates] == ["COUNT(*)"]
    assert sub.select_columns == ("k", "n") and not sub.global_aggregate
    cte = one("WITH d AS (SELECT DISTINCT u FROM clicks) SELECT * FROM d", "spark")
    assert cte.distinct and cte.distinct_columns == ("u",) and cte.sources == ("clicks",)
    outer = one("SELECT k, COUNT(*) FROM (SELECT k FROM t GROUP BY k, j) GROUP BY k")
    assert outer.group_by == ("k",)


def test_streaming_aggregates_sqlglot_does_not_know() -> None:
    p = one("CREATE TABLE latest AS SELECT LATEST_BY_OFFSET(price) AS p FROM trades EMIT CHANGES", "ksqldb")
    assert [(a.function, a.column) for a in p.aggregates] == [("LATEST_BY_OFFSET", "price")]
    assert p.global_aggregate


def test_an_aggregate_written_twice_is_listed_once() -> None:
    p = one("SELECT s, SUM(p * q) / SUM(q) AS vwap, SUM(q) AS volume FROM t GROUP BY s HAVING SUM(q) > 0")
    assert [a.sql for a in p.aggregates] == ["SUM(p * q)", "SUM(q)"]
