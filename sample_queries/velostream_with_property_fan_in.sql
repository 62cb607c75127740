-- title: Exchange-wide trade count pinned to one worker by a WITH property
-- dialect: velostream
-- expect-strategy: fan_in
-- expect-extended: fan_in
SELECT
    COUNT(*) AS trades,
    SUM(price * quantity) AS notional
FROM trades
WINDOW TUMBLING(1m)
EMIT CHANGES
WITH ('trades.type' = 'kafka_source', 'trades.topic' = 'trades', 'partitioning_strategy' = 'fanin');
