-- title: Per-symbol VWAP over one-minute tumbling windows on a topic keyed by symbol
-- dialect: velostream
-- source-key: trades=symbol
-- expect-strategy: smart_repartition
-- expect-extended: smart_repartition
-- expect-velostream: always_hash
SELECT
    symbol,
    SUM(price * quantity) / SUM(quantity) AS vwap,
    SUM(quantity) AS volume,
    COUNT(*) AS trade_count
FROM trades
WHERE quantity > 0
GROUP BY symbol
WINDOW TUMBLING(event_time, 1m)
EMIT CHANGES;
