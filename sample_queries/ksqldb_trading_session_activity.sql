-- title: Trader activity sessions (ksqlDB SESSION window) keyed by trader
-- dialect: ksqldb
-- source-key: trader_id
-- expect-strategy: smart_repartition
-- expect-extended: smart_repartition
-- expect-velostream: always_hash
SELECT
    trader_id,
    COUNT(*) AS orders
FROM order_events
WINDOW SESSION (5 MINUTES)
GROUP BY trader_id
EMIT CHANGES;
