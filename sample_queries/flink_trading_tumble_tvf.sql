-- title: Per-symbol notional per minute with a Flink TUMBLE table-valued function
-- dialect: flink
-- expect-strategy: always_hash
-- expect-extended: always_hash
-- expect-velostream: always_hash
SELECT
    window_start,
    window_end,
    symbol,
    SUM(price * quantity) AS notional
FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end, symbol;
