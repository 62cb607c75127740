"""Constructs of real streaming SQL that used to fail or come out wrong, each with its profile fields.

Contract: group_by / window / joins / analytic describe the OUTERMOST operator of each kind; columns
without qualifier in written spelling; expressions as SQL text.
"""

from __future__ import annotations

from core.analysis.extract import extract_profiles
from core.analysis.profile import Join, QueryProfile


def last(sql: str, dialect: str = "flink") -> QueryProfile:
    return extract_profiles(sql, dialect)[-1]


def window_of(p: QueryProfile) -> tuple[object, ...]:
    assert p.window is not None
    return (p.window.kind, p.window.size_ms, p.window.advance_ms, p.window.gap_ms, p.window.time_column)


def test_window_call_after_a_comma_in_group_by() -> None:
    p = last("SELECT k, COUNT(*) FROM t GROUP BY k, TUMBLE(ts, INTERVAL '1' MINUTE)")
    assert p.group_by == ("k",) and window_of(p) == ("tumbling", 60_000, None, None, "ts")
    p = last("SELECT k, COUNT(*) FROM t GROUP BY k, SESSION(ts, INTERVAL '5' MINUTE)")
    assert p.group_by == ("k",) and window_of(p) == ("session", None, None, 300_000, "ts")


def test_arroyo_hop_slide_then_size_and_one_argument_tumble() -> None:
    hop = "hop(INTERVAL '1' MINUTE, INTERVAL '5' MINUTE)"
    p = last(f"SELECT k, COUNT(*) FROM t GROUP BY k, {hop}", "velostream")
    assert window_of(p) == ("hopping", 300_000, 60_000, None, None)
    p = last("SELECT k, COUNT(*) FROM t GROUP BY k, tumble(INTERVAL '1' DAY)", "velostream")
    assert window_of(p) == ("tumbling", 86_400_000, None, None, None)


def test_match_recognize_exposes_its_partition_keys() -> None:
    p = last(
        "SELECT * FROM ticks MATCH_RECOGNIZE (PARTITION BY symbol, venue ORDER BY ts "
        "MEASURES A.price AS p ONE ROW PER MATCH AFTER MATCH SKIP PAST LAST ROW "
        "PATTERN (A B+) DEFINE B AS B.price < A.price) AS m"
    )
    assert [(a.function, a.partition_by, a.order_by) for a in p.analytic] == [
        ("MATCH_RECOGNIZE", ("symbol", "venue"), ("ts",))]
    assert p.sources == ("ticks",)


def test_window_as_a_column_name_and_as_an_alias() -> None:
    assert last("SELECT window, COUNT(*) FROM t GROUP BY window", "spark").group_by == ("window",)
    assert last("SELECT a AS window FROM t").select_columns == ("window",)


def test_risingwave_session_gap_inside_over() -> None:
    p = last(
        "SELECT k, SUM(v) OVER (PARTITION BY k ORDER BY ts SESSION WITH GAP INTERVAL '5' MINUTE) FROM t",
        "risingwave",
    )
    assert [(a.function, a.partition_by, a.order_by) for a in p.analytic] == [("SUM", ("k",), ("ts",))]


def test_comma_joins_also_inside_subqueries_multi_way() -> None:
    p = last(
        "SELECT n, COUNT(*) FROM (SELECT c.name AS n FROM customer c, orders o, lineitem l "
        "WHERE c.custkey = o.custkey AND l.orderkey = o.orderkey AND l.qty > 5) x GROUP BY n"
    )
    assert p.joins == (
        Join("customer", "orders", (("custkey", "custkey"),), "inner"),
        Join("orders", "lineitem", (("orderkey", "orderkey"),), "inner"),
    )


def test_expression_join_keys_are_sql_text_without_qualifiers() -> None:
    (j,) = last("SELECT * FROM a JOIN b ON MOD(a.x, 10) = b.k").joins
    assert j.keys == (("x % 10", "k"),) and (j.left, j.right) == ("a", "b")
    (j,) = last("SELECT * FROM a JOIN b ON b.k = UPPER(a.name)").joins
    assert j.keys == (("UPPER(name)", "k"),)


def test_cross_join_unnest_and_lateral_correlation_key() -> None:
    (j,) = last("SELECT o.id, t FROM orders o CROSS JOIN UNNEST(o.tags) AS x(t)").joins
    assert (j.left, j.kind, j.keys) == ("orders", "cross", ())
    (j,) = last(
        "SELECT o.id, l.n FROM orders o, LATERAL (SELECT COUNT(*) AS n FROM items i WHERE i.oid = o.id) l"
    ).joins
    assert (j.left, j.keys) == ("orders", (("id", "oid"),))


def test_join_of_two_aggregated_subqueries() -> None:
    p = last(
        "SELECT x.k, x.c, y.s FROM (SELECT k, COUNT(*) AS c FROM clicks GROUP BY k) x "
        "JOIN (SELECT k, SUM(v) AS s FROM views GROUP BY k) y ON x.k = y.k"
    )
    assert p.joins == (Join("clicks", "views", (("k", "k"),), "inner"),)


def test_in_and_exists_are_semi_and_anti_joins() -> None:
    semi = last("SELECT a FROM t WHERE k IN (SELECT id FROM u)").joins
    assert semi == (Join("t", "u", (("k", "id"),), "semi"),)
    assert last("SELECT a FROM t WHERE k NOT IN (SELECT id FROM u)").joins[0].kind == "anti"
    p = last("SELECT a FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.k = t.k AND u.v > 0)")
    assert p.joins == (Join("t", "u", (("k", "k"),), "semi"),)
    assert last("SELECT a FROM t WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.k = t.k)").joins[0].kind == "anti"


def test_temporal_lookup_and_window_join_kinds() -> None:
    (j,) = last("SELECT * FROM orders o JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r ON o.cur = r.cur").joins
    assert j.kind == "temporal" and j.keys == (("cur", "cur"),)
    (j,) = last("SELECT * FROM orders o JOIN dim FOR SYSTEM_TIME AS OF o.proctime AS d ON o.k = d.k").joins
    assert j.kind == "lookup"
    (j,) = last(
        "SELECT * FROM l JOIN r ON l.window_start = r.window_start "
        "AND l.window_end = r.window_end AND l.k = r.k"
    ).joins
    assert j.kind == "window"


def test_union_distinct_versus_union_all() -> None:
    p = last("SELECT a, b FROM t UNION SELECT a, b FROM u")
    assert (p.set_operation, p.distinct, p.distinct_columns) == ("union", True, ("a", "b"))
    p = last("SELECT a FROM t UNION ALL SELECT a FROM u")
    assert (p.set_operation, p.distinct) == ("union_all", False)


def test_rollup_cube_grouping_sets_keys_are_the_columns() -> None:
    for clause, expansion in (("ROLLUP (a, b)", "rollup"), ("CUBE (a, b)", "cube"),
                              ("GROUPING SETS ((a), (a, b), ())", "grouping_sets")):
        p = last(f"SELECT a, b, COUNT(*) FROM t GROUP BY {clause}")
        assert (p.group_by, p.group_expansion) == (("a", "b"), expansion), clause


def test_named_windows_are_resolved() -> None:
    p = last("SELECT city, AVG(temp) OVER w FROM readings WINDOW w AS (PARTITION BY city ORDER BY ts)",
             "spark")
    assert [(a.function, a.partition_by, a.order_by) for a in p.analytic] == [("AVG", ("city",), ("ts",))]


def test_window_bounds_through_an_alias_and_nested_windows() -> None:
    p = last(
        "SELECT window_start AS starttime, k, COUNT(*) FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), "
        "INTERVAL '1' MINUTE)) GROUP BY starttime, k"
    )
    assert p.group_by == ("window_start", "k") and p.grouping_keys == ("k",)
    p = last(
        "SELECT window_start, SUM(c) FROM (SELECT window_start, window_end, k, COUNT(*) AS c FROM "
        "TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end, k) "
        "GROUP BY window_start"
    )
    assert p.group_by == ("window_start",) and p.grouping_keys == () and window_of(p)[0] == "tumbling"


def test_json_access_distinct_parentheses_and_constant_partitions() -> None:
    assert last("SELECT a->'b' AS x, COUNT(*) FROM t GROUP BY a->'b'", "risingwave").group_by == ("a -> 'b'",)
    assert last("SELECT DISTINCT(name) FROM t").distinct_columns == ("name",)
    p = last("SELECT a, ROW_NUMBER() OVER (PARTITION BY 1::int ORDER BY ts) AS rn FROM t")
    assert p.analytic[0].partition_by == ()


def test_ksqldb_source_table_with_primary_key_then_a_query() -> None:
    p = last(
        "CREATE SOURCE TABLE users (k VARCHAR PRIMARY KEY, n VARCHAR) "
        "WITH (KAFKA_TOPIC='u', VALUE_FORMAT='JSON');"
        "SELECT k, n FROM users EMIT CHANGES",
        "ksqldb",
    )
    assert p.sources == ("users",) and p.index == 0
