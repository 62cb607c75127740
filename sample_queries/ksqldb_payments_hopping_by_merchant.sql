-- title: Hopping five-minute merchant volume on a topic keyed by merchant
-- dialect: ksqldb
-- source-key: payments=merchant_id
-- expect-strategy: smart_repartition
-- expect-extended: smart_repartition
-- expect-velostream: always_hash
SELECT
    merchant_id,
    SUM(amount) AS volume,
    COUNT(*) AS payments
FROM payments
WINDOW HOPPING (SIZE 5 MINUTES, ADVANCE BY 1 MINUTE)
GROUP BY merchant_id
EMIT CHANGES;
