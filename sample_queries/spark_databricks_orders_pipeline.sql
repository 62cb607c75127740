-- title: A Databricks pipeline: bronze files, silver with expectations, gold revenue per customer
-- dialect: spark
-- expect-strategy: always_hash
-- expect-extended: always_hash
-- expect-velostream: sticky_partition
CREATE OR REFRESH STREAMING TABLE bronze_orders
COMMENT 'raw order events as they land'
AS SELECT * FROM STREAM read_files('/Volumes/shop/landing/orders', format => 'json');

CREATE OR REFRESH STREAMING TABLE silver_orders (
    CONSTRAINT has_order_id EXPECT (order_id IS NOT NULL) ON VIOLATION DROP ROW,
    CONSTRAINT positive_amount EXPECT (amount > 0)
)
PARTITIONED BY (order_date)
TBLPROPERTIES ('quality' = 'silver')
AS SELECT
    order_id,
    customer_id,
    CAST(amount AS DECIMAL(12, 2)) AS amount,
    to_date(order_ts) AS order_date
FROM STREAM(LIVE.bronze_orders);

CREATE OR REFRESH MATERIALIZED VIEW gold_customer_revenue
AS SELECT customer_id, COUNT(*) AS orders, SUM(amount) AS revenue
FROM LIVE.silver_orders
GROUP BY customer_id;
