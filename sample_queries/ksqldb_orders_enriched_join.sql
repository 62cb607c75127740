-- title: Orders enriched with customer tier (stream-table join, keys unknown)
-- dialect: ksqldb
-- expect-strategy: round_robin
-- expect-extended: always_hash
-- expect-velostream: sticky_partition
CREATE STREAM orders_enriched AS
SELECT
    o.order_id,
    o.customer_id,
    o.amount,
    c.tier
FROM orders o
JOIN customers c ON o.customer_id = c.customer_id
EMIT CHANGES;
