-- title: Twenty-trade moving average per symbol with a row window
-- dialect: velostream
-- expect-strategy: sticky_partition
-- expect-extended: always_hash
-- expect-velostream: sticky_partition
SELECT
    symbol,
    price,
    AVG(price) OVER (
        ROWS WINDOW BUFFER 20 ROWS
        PARTITION BY symbol
        ORDER BY event_time
    ) AS moving_avg_20
FROM trades
EMIT CHANGES;
