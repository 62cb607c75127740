-- title: Price buckets grouped by an expression (no plain routing key for the engine)
-- dialect: velostream
-- expect-strategy: always_hash
-- expect-extended: always_hash
-- expect-velostream: always_hash
SELECT
    FLOOR(price / 10) AS price_bucket,
    COUNT(*) AS trades
FROM trades
GROUP BY FLOOR(price / 10)
WINDOW TUMBLING(1m)
EMIT CHANGES;
