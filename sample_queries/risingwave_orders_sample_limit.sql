-- title: A sample of one hundred orders (LIMIT without ORDER BY)
-- dialect: risingwave
-- expect-strategy: round_robin
-- expect-extended: fan_in
-- expect-velostream: sticky_partition
SELECT
    order_id,
    customer_id,
    amount
FROM orders
LIMIT 100;
