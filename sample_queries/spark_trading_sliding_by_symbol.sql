-- title: Sliding ten-minute volume per symbol on a topic keyed by symbol
-- dialect: spark
-- source-key: trades=symbol
-- expect-strategy: smart_repartition
-- expect-extended: smart_repartition
-- expect-velostream: always_hash
SELECT
    window(ts, '10 minutes', '5 minutes') AS w,
    symbol,
    SUM(quantity) AS volume
FROM trades
GROUP BY window(ts, '10 minutes', '5 minutes'), symbol;
