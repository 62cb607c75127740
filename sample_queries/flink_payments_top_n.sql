-- title: The ten largest payments (global ORDER BY ... LIMIT)
-- dialect: flink
-- expect-strategy: sticky_partition
-- expect-extended: fan_in
-- expect-velostream: sticky_partition
SELECT
    payment_id,
    merchant_id,
    amount
FROM payments
ORDER BY amount DESC
LIMIT 10;
