-- title: A round-robin annotation forced onto a GROUP BY (refused by validate, still runs, warns)
-- dialect: velostream
-- expect-strategy: round_robin
-- expect-extended: round_robin
-- @partitioning_strategy: roundrobin
SELECT
    trader_id,
    COUNT(*) AS orders,
    SUM(notional) AS exposure
FROM order_events
GROUP BY trader_id
WINDOW SLIDING(10m, 1m)
EMIT CHANGES;
