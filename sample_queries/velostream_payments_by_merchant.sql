-- title: Merchant totals in a CREATE STREAM AS SELECT on a topic of unknown key
-- dialect: velostream
-- expect-strategy: always_hash
-- expect-extended: always_hash
-- expect-velostream: sticky_partition
CREATE STREAM merchant_totals AS
SELECT
    merchant_id,
    COUNT(*) AS payments,
    SUM(amount) AS total_amount
FROM payments
WHERE status = 'captured'
GROUP BY merchant_id
WINDOW TUMBLING(INTERVAL '5' MINUTE)
EMIT CHANGES;
