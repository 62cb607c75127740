-- title: Site-wide clicks per minute (GROUP BY window bounds only)
-- dialect: flink
-- expect-strategy: always_hash
-- expect-extended: fan_in
-- expect-velostream: always_hash
SELECT
    window_start,
    window_end,
    COUNT(*) AS clicks
FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end;
