"""Realistic pipeline statements written for this test: none may be falsely rejected.

Each entry is one file's worth of SQL (DDL included where a pipeline would have it). The test reads
it with ``read_script`` and profiles every query statement; a statement we cannot read fails.
"""

from __future__ import annotations

import pytest

from core.analysis.extract import profile_statement
from core.sql import read_script

SPARK = [
    "CREATE OR REFRESH STREAMING TABLE bronze_orders AS SELECT * FROM STREAM read_files('/landing/orders', "
    "format => 'json')",
    "CREATE OR REFRESH STREAMING TABLE silver_orders (CONSTRAINT valid_amount EXPECT (amount > 0) ON "
    "VIOLATION "
    "DROP ROW, CONSTRAINT has_id EXPECT (order_id IS NOT NULL)) COMMENT 'cleaned orders' AS SELECT order_id, "
    "customer_id, CAST(amount AS DECIMAL(10, 2)) AS amount, to_timestamp(ts) AS ts FROM "
    "STREAM(LIVE.bronze_orders)",
    "CREATE OR REFRESH MATERIALIZED VIEW gold_daily_revenue AS SELECT date_trunc('DAY', ts) AS day, "
    "SUM(amount) AS revenue FROM LIVE.silver_orders GROUP BY date_trunc('DAY', ts)",
    "CREATE OR REFRESH LIVE TABLE customer_totals AS SELECT customer_id, COUNT(*) AS orders, "
    "SUM(amount) AS spent "
    "FROM LIVE.silver_orders GROUP BY customer_id",
    "CREATE STREAMING LIVE TABLE clicks_raw TBLPROPERTIES ('quality' = 'bronze') AS SELECT * FROM "
    "cloud_files('/landing/clicks', 'json')",
    "CREATE OR REFRESH STREAMING TABLE clicks_by_window AS SELECT window(event_time, '10 minutes') "
    "AS w, page, "
    "COUNT(*) AS views FROM STREAM(LIVE.clicks_raw) GROUP BY window(event_time, '10 minutes'), page",
    "CREATE OR REFRESH STREAMING TABLE sessions AS SELECT user_id, session_window(ts, '5 minutes') AS s, "
    "COUNT(*) AS events FROM STREAM(LIVE.events) GROUP BY user_id, session_window(ts, '5 minutes')",
    "CREATE OR REFRESH STREAMING TABLE enriched PARTITIONED BY (country) AS SELECT o.*, c.country FROM "
    "STREAM(LIVE.silver_orders) o JOIN LIVE.customers c ON o.customer_id = c.customer_id",
    "CREATE OR REFRESH MATERIALIZED VIEW top_products CLUSTER BY (category) AS SELECT category, product_id, "
    "SUM(qty) AS units FROM LIVE.sales GROUP BY category, product_id",
    "CREATE TABLE events (id BIGINT, kind STRING, ts TIMESTAMP) USING delta PARTITIONED BY (kind);\n"
    "INSERT INTO events SELECT id, kind, ts FROM staging_events WHERE id IS NOT NULL",
    "CREATE TABLE kafka_in (key BINARY, value BINARY, topic STRING) USING kafka OPTIONS "
    "(kafka.bootstrap.servers "
    "'b:9092', subscribe 'orders');\nSELECT CAST(key AS STRING) AS k, COUNT(*) FROM kafka_in GROUP "
    "BY CAST(key AS "
    "STRING)",
    "SELECT device_id, window.start, AVG(temp) FROM readings GROUP BY device_id, window(ts, '1 minute')",
    "SELECT user_id, COUNT(DISTINCT page) AS pages FROM clicks WHERE ts > current_timestamp() - "
    "INTERVAL 1 HOUR "
    "GROUP BY user_id HAVING COUNT(DISTINCT page) > 3",
    "WITH recent AS (SELECT * FROM orders WHERE ts > '2024-01-01') SELECT customer_id, SUM(amount) "
    "FROM recent "
    "GROUP BY customer_id",
    "SELECT region, product, SUM(sales) FROM sales GROUP BY ROLLUP (region, product)",
    "SELECT region, product, SUM(sales) FROM sales GROUP BY CUBE (region, product)",
    "SELECT id, explode(items) AS item FROM baskets",
    "SELECT b.id, i.item FROM baskets b LATERAL VIEW explode(b.items) i AS item",
    "SELECT user_id, ts, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY ts DESC) AS rn FROM logins",
    "SELECT * FROM (SELECT user_id, ts, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY ts DESC) AS rn "
    "FROM logins) WHERE rn = 1",
    "MERGE INTO target t USING updates u ON t.id = u.id WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN "
    "INSERT *;\nSELECT 1",
    "APPLY CHANGES INTO LIVE.customers FROM STREAM(LIVE.customers_cdc) KEYS (customer_id) SEQUENCE BY ts;\n"
    "CREATE OR REFRESH MATERIALIZED VIEW n AS SELECT COUNT(*) FROM LIVE.customers",
    "SET spark.sql.shuffle.partitions = 64;\nSELECT k, COUNT(*) FROM t GROUP BY k",
    "SELECT a.k, a.v, b.w FROM a LEFT ANTI JOIN b ON a.k = b.k",
    "SELECT k, percentile_approx(v, 0.5) AS median FROM metrics GROUP BY k",
    "CREATE OR REFRESH STREAMING TABLE dedup AS SELECT DISTINCT order_id, customer_id FROM "
    "STREAM(LIVE.orders)",
]

FLINK = [
    "SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0",
    "SELECT auction, MAX(price) AS max_price FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(dateTime), "
    "INTERVAL '10' "
    "SECOND)) GROUP BY auction, window_start, window_end",
    "SELECT window_start, window_end, COUNT(*) FROM TABLE(HOP(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '2' "
    "SECOND, INTERVAL '10' SECOND)) GROUP BY window_start, window_end",
    "SELECT P.name, P.city, A.id FROM auction AS A INNER JOIN person AS P ON A.seller = P.id "
    "WHERE A.category = 10 AND (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA')",
    "SELECT category, AVG(final) FROM (SELECT MAX(B.price) AS final, A.category FROM auction A, bid B WHERE "
    "A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires GROUP BY A.id, A.category) Q "
    "GROUP BY category",
    "SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY "
    "price DESC) AS "
    "rownum FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '10' MINUTE))) WHERE rownum <= 3",
    "SELECT bidder, COUNT(*) AS bid_count, SESSION_START(dateTime, INTERVAL '10' SECOND) AS "
    "starttime FROM bid "
    "GROUP BY bidder, SESSION(dateTime, INTERVAL '10' SECOND)",
    "SELECT auction, bidder, price, dateTime FROM bid WHERE price > (SELECT MAX(price) FROM bid) ",
    "CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP(3), extra VARCHAR, "
    "WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND) WITH ('connector' = 'datagen');\n"
    "SELECT auction, COUNT(*) FROM bid GROUP BY auction",
    "CREATE TEMPORARY TABLE orders (order_id STRING, price DECIMAL(32, 2), currency STRING, order_time "
    "TIMESTAMP(3), WATERMARK FOR order_time AS order_time) WITH ('connector' = 'kafka', 'topic' = 'orders', "
    "'properties.bootstrap.servers' = 'k:9092', 'format' = 'json');\n"
    "CREATE TEMPORARY TABLE rates (currency STRING, rate DECIMAL(32, 10), update_time TIMESTAMP(3), "
    "WATERMARK FOR "
    "update_time AS update_time, PRIMARY KEY (currency) NOT ENFORCED) WITH ('connector' = 'upsert-kafka', "
    "'topic' = 'rates', 'key.format' = 'raw', 'value.format' = 'json');\n"
    "SELECT o.order_id, o.price * r.rate AS converted FROM orders AS o JOIN rates FOR SYSTEM_TIME AS OF "
    "o.order_time AS r ON o.currency = r.currency",
    "SELECT user_id, COUNT(DISTINCT url) FROM clicks GROUP BY user_id",
    "SELECT DATE_FORMAT(ts, 'yyyy-MM-dd') AS d, COUNT(DISTINCT user_id) FROM clicks GROUP BY "
    "DATE_FORMAT(ts, 'yyyy-MM-dd')",
    "SELECT o.id, s.ship_time FROM orders o, shipments s WHERE o.id = s.order_id AND s.ship_time BETWEEN "
    "o.order_time AND o.order_time + INTERVAL '4' HOUR",
    "SELECT item, SUM(qty) OVER (PARTITION BY item ORDER BY proctime RANGE BETWEEN INTERVAL '1' HOUR "
    "PRECEDING "
    "AND CURRENT ROW) FROM sales",
    "SELECT * FROM ticker MATCH_RECOGNIZE (PARTITION BY symbol ORDER BY rowtime MEASURES "
    "START_ROW.rowtime AS "
    "start_t, LAST(PRICE_DOWN.rowtime) AS bottom_t ONE ROW PER MATCH AFTER MATCH SKIP TO LAST "
    "PRICE_UP PATTERN "
    "(START_ROW PRICE_DOWN+ PRICE_UP) DEFINE PRICE_DOWN AS PRICE_DOWN.price < START_ROW.price, PRICE_UP AS "
    "PRICE_UP.price > START_ROW.price) MR",
    "SELECT window_start, window_end, supplier, SUM(price) FROM TABLE(CUMULATE(TABLE orders, DESCRIPTOR(ts), "
    "INTERVAL '2' MINUTE, INTERVAL '10' MINUTE)) GROUP BY window_start, window_end, GROUPING SETS "
    "((supplier), ())",
    "SELECT L.num AS l_num, R.num AS r_num FROM (SELECT * FROM TABLE(TUMBLE(TABLE lt, DESCRIPTOR(row_time), "
    "INTERVAL '5' MINUTES))) L FULL JOIN (SELECT * FROM TABLE(TUMBLE(TABLE rt, DESCRIPTOR(row_time), "
    "INTERVAL '5' "
    "MINUTES))) R ON L.num = R.num AND L.window_start = R.window_start AND L.window_end = R.window_end",
    "SET 'execution.runtime-mode' = 'streaming';\nSET 'table.exec.state.ttl' = '1 h';\n"
    "INSERT INTO sink_table SELECT k, COUNT(*) FROM src GROUP BY k",
    "CREATE FUNCTION parse AS 'com.acme.Parse';\nSELECT parse(payload) AS p FROM raw",
    "EXECUTE STATEMENT SET BEGIN\nINSERT INTO a SELECT * FROM src WHERE x > 0;\nINSERT INTO b SELECT "
    "* FROM src "
    "WHERE x <= 0;\nEND;",
    "SELECT order_id, tag FROM orders CROSS JOIN UNNEST(tags) AS t (tag)",
    "SELECT user_id, LISTAGG(page) FROM clicks GROUP BY user_id",
    "WITH dedup AS (SELECT *, ROW_NUMBER() OVER (PARTITION BY order_id ORDER BY proctime ASC) AS rn "
    "FROM orders) "
    "SELECT order_id, amount FROM dedup WHERE rn = 1",
    "SELECT a.user_id, COUNT(*) FROM clicks a WHERE a.user_id IN (SELECT user_id FROM vip) GROUP BY "
    "a.user_id",
    "CREATE TABLE clicks_copy WITH ('topic' = 'clicks2') LIKE clicks_src (EXCLUDING OPTIONS);\n"
    "SELECT * FROM clicks_copy",
]


def _read(sql: str, dialect: str) -> int:
    script = read_script(sql, dialect)
    for stmt in script.statements:
        profile_statement(stmt)
    return len(script.statements)


@pytest.mark.parametrize("sql", SPARK, ids=[f"spark{i}" for i in range(len(SPARK))])
def test_spark_pipeline_statements_are_read(sql: str) -> None:
    assert _read(sql, "spark") >= 1


@pytest.mark.parametrize("sql", FLINK, ids=[f"flink{i}" for i in range(len(FLINK))])
def test_flink_statements_are_read(sql: str) -> None:
    assert _read(sql, "flink") >= 1
