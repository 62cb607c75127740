-- title: Per-symbol one-minute bars, emitted when each window closes
-- dialect: risingwave
-- expect-strategy: always_hash
-- expect-extended: always_hash
-- expect-velostream: always_hash
SELECT
    symbol,
    window_start,
    MAX(price) AS high,
    MIN(price) AS low,
    SUM(quantity) AS volume
FROM TUMBLE(trades, ts, INTERVAL '1 minute')
GROUP BY symbol, window_start
EMIT ON WINDOW CLOSE;
