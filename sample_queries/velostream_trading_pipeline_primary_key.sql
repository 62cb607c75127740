-- title: An upstream CREATE STREAM keyed by PRIMARY KEY makes the downstream GROUP BY aligned
-- dialect: velostream
-- expect-strategy: smart_repartition
-- expect-extended: smart_repartition
-- expect-velostream: always_hash

-- @name: trades_by_symbol
CREATE STREAM trades_by_symbol AS
SELECT
    symbol PRIMARY KEY,
    price,
    quantity,
    trader_id,
    event_time
FROM raw_trades
WHERE price > 0
EMIT CHANGES;

-- @name: symbol_volume_5m
SELECT
    symbol,
    SUM(quantity) AS volume,
    MAX(price) AS high,
    MIN(price) AS low
FROM trades_by_symbol
GROUP BY symbol
WINDOW TUMBLING(5m)
EMIT CHANGES;
