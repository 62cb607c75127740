# ruff: noqa: E501  (SQL text kept exactly as recorded in flink_exchanges.json)
"""Flink SQL queries written for the plan comparison, their datagen DDL and the matching catalog.

The DDL runs in PyFlink (tests/flink/test_flink_plans.py); the catalog is the same tables built by
hand as TableDef objects, for build_plan (the DDL reader is written elsewhere).
"""

from __future__ import annotations

from core.model.catalog import Column, TableDef

_WM = "WATERMARK FOR ts AS ts - INTERVAL '1' SECOND"

DDL = (
    "CREATE TABLE orders (order_id BIGINT, customer_id BIGINT, product STRING, region STRING, "
    f"amount DOUBLE, carrier STRING, tags ARRAY<STRING>, ts TIMESTAMP(3), {_WM}) "
    "WITH ('connector' = 'datagen')",
    "CREATE TABLE shipments (ship_id BIGINT, order_id BIGINT, carrier STRING, weight DOUBLE, "
    f"ts TIMESTAMP(3), {_WM}) WITH ('connector' = 'datagen')",
    "CREATE TABLE customers (customer_id BIGINT, name STRING, city STRING, tier STRING, "
    f"ts TIMESTAMP(3), {_WM}, PRIMARY KEY (customer_id) NOT ENFORCED) WITH ('connector' = 'datagen')",
    "CREATE TABLE region_counts (region STRING, cnt BIGINT, PRIMARY KEY (region) NOT ENFORCED) "
    "WITH ('connector' = 'blackhole')",
)


def _table(name: str, cols: str, primary_key: tuple[str, ...] = ()) -> TableDef:
    columns = tuple(Column(c.split(":")[0], c.split(":")[1]) for c in cols.split())
    return TableDef(name=name, columns=columns, primary_key=primary_key, connector="datagen",
                    time_column="ts" if any(c.name == "ts" for c in columns) else None)


CATALOG: dict[str, TableDef] = {
    "orders": _table(
        "orders", "order_id:BIGINT customer_id:BIGINT product:STRING region:STRING amount:DOUBLE "
        "carrier:STRING tags:ARRAY ts:TIMESTAMP"),
    "shipments": _table("shipments", "ship_id:BIGINT order_id:BIGINT carrier:STRING weight:DOUBLE ts:TIMESTAMP"),
    "customers": _table(
        "customers", "customer_id:BIGINT name:STRING city:STRING tier:STRING ts:TIMESTAMP", ("customer_id",)),
    "region_counts": TableDef(name="region_counts", kind="sink",
                              columns=(Column("region", "STRING"), Column("cnt", "BIGINT")),
                              primary_key=("region",), connector="blackhole"),
}

_TUMBLE = "TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '1' MINUTE))"
_ROWS = "ROWS BETWEEN 10 PRECEDING AND CURRENT ROW"

# name -> query (one statement, Flink SQL)
QUERIES: dict[str, str] = {
    "group_by": "SELECT region, COUNT(*) AS c FROM orders GROUP BY region",
    "group_by_two_keys": "SELECT region, product, SUM(amount) AS s FROM orders GROUP BY region, product",
    "having": "SELECT region, SUM(amount) AS s FROM orders GROUP BY region HAVING SUM(amount) > 10",
    "expression_key": "SELECT UPPER(region) AS r, COUNT(*) AS c FROM orders GROUP BY UPPER(region)",
    "mod_key": "SELECT MOD(order_id, 10) AS b, COUNT(*) AS c FROM orders GROUP BY MOD(order_id, 10)",
    "filtered_subquery": "SELECT region, COUNT(*) AS c FROM (SELECT * FROM orders WHERE amount > 10) AS t "
    "GROUP BY region",
    "cte": "WITH big AS (SELECT order_id, region FROM orders WHERE amount > 100) "
    "SELECT region, COUNT(*) AS c FROM big GROUP BY region",
    "tumble_tvf": f"SELECT window_start, window_end, region, COUNT(*) AS c FROM {_TUMBLE} "
    "GROUP BY window_start, window_end, region",
    "tumble_tvf_alias_bound": f"SELECT window_start AS starttime, region, COUNT(*) AS c FROM {_TUMBLE} "
    "GROUP BY window_start, window_end, region",
    "hop_tvf": "SELECT window_start, region, SUM(amount) AS s FROM TABLE(HOP(TABLE orders, DESCRIPTOR(ts), "
    "INTERVAL '1' MINUTE, INTERVAL '5' MINUTE)) GROUP BY window_start, window_end, region",
    "cumulate_tvf": "SELECT window_start, product, COUNT(*) AS c FROM TABLE(CUMULATE(TABLE orders, "
    "DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '1' HOUR)) GROUP BY window_start, window_end, product",
    "tumble_tvf_global": f"SELECT window_start, COUNT(*) AS c FROM {_TUMBLE} GROUP BY window_start, window_end",
    "legacy_tumble": "SELECT region, COUNT(*) AS c FROM orders GROUP BY TUMBLE(ts, INTERVAL '1' MINUTE), region",
    "legacy_hop": "SELECT region, COUNT(*) AS c FROM orders "
    "GROUP BY HOP(ts, INTERVAL '1' MINUTE, INTERVAL '5' MINUTE), region",
    "legacy_session": "SELECT region, COUNT(*) AS c FROM orders "
    "GROUP BY SESSION(ts, INTERVAL '5' MINUTE), region",
    "global_aggregate": "SELECT COUNT(*) AS c, SUM(amount) AS s FROM orders",
    "count_distinct_global": "SELECT COUNT(DISTINCT customer_id) AS c FROM orders",
    "count_distinct_grouped": "SELECT region, COUNT(DISTINCT customer_id) AS c FROM orders GROUP BY region",
    "select_distinct": "SELECT DISTINCT region, product FROM orders",
    "union_distinct": "SELECT region AS name FROM orders UNION SELECT carrier AS name FROM shipments",
    "union_all": "SELECT order_id, carrier FROM orders UNION ALL SELECT order_id, carrier FROM shipments",
    "union_all_then_group_by": "SELECT carrier, COUNT(*) AS c FROM (SELECT order_id, carrier FROM orders "
    "UNION ALL SELECT order_id, carrier FROM shipments) AS u GROUP BY carrier",
    "join": "SELECT o.order_id, s.carrier FROM orders AS o JOIN shipments AS s ON o.order_id = s.order_id",
    "join_two_keys": "SELECT o.order_id, s.weight FROM orders AS o JOIN shipments AS s "
    "ON o.order_id = s.order_id AND o.carrier = s.carrier",
    "left_join": "SELECT o.order_id, s.carrier FROM orders AS o LEFT JOIN shipments AS s ON o.order_id = s.order_id",
    "full_join": "SELECT o.order_id, s.carrier FROM orders AS o FULL OUTER JOIN shipments AS s "
    "ON o.order_id = s.order_id",
    "comma_join": "SELECT o.order_id, s.carrier FROM orders AS o, shipments AS s WHERE o.order_id = s.order_id",
    "interval_join": "SELECT o.order_id, s.carrier FROM orders AS o JOIN shipments AS s "
    "ON o.order_id = s.order_id AND s.ts BETWEEN o.ts AND o.ts + INTERVAL '1' HOUR",
    "temporal_join": "SELECT o.order_id, c.city FROM orders AS o JOIN customers FOR SYSTEM_TIME AS OF o.ts AS c "
    "ON o.customer_id = c.customer_id",
    "non_equi_join": "SELECT o.order_id, s.carrier FROM orders AS o JOIN shipments AS s ON o.amount > s.weight",
    "expression_join_key": "SELECT o.order_id, s.carrier FROM orders AS o JOIN shipments AS s "
    "ON MOD(o.order_id, 10) = s.ship_id",
    "semi_join_in": "SELECT order_id, amount FROM orders WHERE order_id IN (SELECT order_id FROM shipments)",
    "semi_join_exists": "SELECT o.order_id FROM orders AS o "
    "WHERE EXISTS (SELECT 1 FROM shipments AS s WHERE s.order_id = o.order_id)",
    "anti_join": "SELECT o.order_id FROM orders AS o "
    "WHERE NOT EXISTS (SELECT 1 FROM shipments AS s WHERE s.order_id = o.order_id)",
    "window_join": "SELECT l.region, r.carrier FROM (SELECT * FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), "
    "INTERVAL '1' MINUTE))) AS l JOIN (SELECT * FROM TABLE(TUMBLE(TABLE shipments, DESCRIPTOR(ts), "
    "INTERVAL '1' MINUTE))) AS r ON l.window_start = r.window_start AND l.window_end = r.window_end "
    "AND l.order_id = r.order_id",
    "join_then_group_by": "SELECT s.carrier, COUNT(*) AS c FROM orders AS o JOIN shipments AS s "
    "ON o.order_id = s.order_id GROUP BY s.carrier",
    "join_then_group_by_join_key": "SELECT o.order_id, COUNT(*) AS c FROM orders AS o JOIN shipments AS s "
    "ON o.order_id = s.order_id GROUP BY o.order_id",
    "join_of_aggregates": "SELECT a.region, a.c, b.c2 FROM (SELECT region, COUNT(*) AS c FROM orders "
    "GROUP BY region) AS a JOIN (SELECT carrier, COUNT(*) AS c2 FROM shipments GROUP BY carrier) AS b "
    "ON a.region = b.carrier",
    "group_by_over_group_by": "SELECT region, c, COUNT(*) AS n FROM (SELECT region, COUNT(*) AS c FROM orders "
    "GROUP BY region) AS t GROUP BY region, c",
    "regroup": "SELECT product, SUM(c) AS total FROM (SELECT region, product, COUNT(*) AS c FROM orders "
    "GROUP BY region, product) AS t GROUP BY product",
    "over_partitioned": f"SELECT order_id, SUM(amount) OVER (PARTITION BY region ORDER BY ts {_ROWS}) AS s "
    "FROM orders",
    "over_global": f"SELECT order_id, SUM(amount) OVER (ORDER BY ts {_ROWS}) AS s FROM orders",
    "over_named_window": "SELECT order_id, SUM(amount) OVER w AS s FROM orders "
    f"WINDOW w AS (PARTITION BY customer_id ORDER BY ts {_ROWS})",
    "over_then_group_by": f"SELECT region, MAX(s) AS m FROM (SELECT region, SUM(amount) OVER (PARTITION BY region "
    f"ORDER BY ts {_ROWS}) AS s FROM orders) AS t GROUP BY region",
    "top_n": "SELECT * FROM (SELECT order_id, region, amount, ROW_NUMBER() OVER (PARTITION BY region "
    "ORDER BY amount DESC) AS rn FROM orders) AS t WHERE rn <= 3",
    "top_n_global": "SELECT * FROM (SELECT order_id, amount, ROW_NUMBER() OVER (ORDER BY amount DESC) AS rn "
    "FROM orders) AS t WHERE rn <= 3",
    "dedup": "SELECT order_id, amount FROM (SELECT order_id, amount, ROW_NUMBER() OVER (PARTITION BY order_id "
    "ORDER BY ts ASC) AS rn FROM orders) AS t WHERE rn = 1",
    "window_top_n": "SELECT * FROM (SELECT window_start, window_end, region, c, ROW_NUMBER() OVER "
    "(PARTITION BY window_start, window_end ORDER BY c DESC) AS rn FROM (SELECT window_start, window_end, "
    f"region, COUNT(*) AS c FROM {_TUMBLE} GROUP BY window_start, window_end, region) AS w) AS t WHERE rn <= 3",
    "order_by_limit": "SELECT order_id, amount FROM orders ORDER BY amount DESC LIMIT 5",
    "limit": "SELECT order_id, amount FROM orders LIMIT 5",
    "order_by_rowtime": "SELECT order_id, ts FROM orders ORDER BY ts",
    "rollup": "SELECT region, product, COUNT(*) AS c FROM orders GROUP BY ROLLUP (region, product)",
    "cube": "SELECT region, product, COUNT(*) AS c FROM orders GROUP BY CUBE (region, product)",
    "grouping_sets": "SELECT region, carrier, COUNT(*) AS c FROM orders "
    "GROUP BY GROUPING SETS ((region), (region, carrier))",
    "cross_join_unnest": "SELECT order_id, tag FROM orders CROSS JOIN UNNEST(tags) AS t (tag)",
    "unnest_then_group_by": "SELECT tag, COUNT(*) AS c FROM orders CROSS JOIN UNNEST(tags) AS t (tag) GROUP BY tag",
    "match_recognize": "SELECT * FROM orders MATCH_RECOGNIZE (PARTITION BY customer_id ORDER BY ts "
    "MEASURES A.amount AS a1 ONE ROW PER MATCH AFTER MATCH SKIP PAST LAST ROW PATTERN (A B) "
    "DEFINE A AS A.amount > 10, B AS B.amount < 5) AS m",
    "upsert_sink": "INSERT INTO region_counts SELECT region, COUNT(*) AS cnt FROM orders GROUP BY region",
    "filter_project_only": "SELECT order_id, amount * 2 AS twice FROM orders WHERE region = 'EU'",
}
