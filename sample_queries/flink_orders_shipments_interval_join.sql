-- title: Orders shipped within four hours (interval join on co-partitioned topics)
-- dialect: flink
-- expect-strategy: round_robin
-- expect-extended: smart_repartition
-- expect-velostream: sticky_partition
-- @partitioned_by: orders.order_id, shipments.order_id
SELECT
    o.order_id,
    o.amount,
    s.carrier
FROM orders o
JOIN shipments s
  ON o.order_id = s.order_id
 AND s.ship_time BETWEEN o.order_time AND o.order_time + INTERVAL '4' HOUR;
