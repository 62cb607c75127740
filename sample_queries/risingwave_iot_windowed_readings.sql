-- title: Readings tagged with their five-minute window (a time window, no aggregate)
-- dialect: risingwave
-- expect-strategy: sticky_partition
-- expect-extended: sticky_partition
-- expect-velostream: always_hash
SELECT
    device_id,
    temperature,
    window_start
FROM TUMBLE(readings, ts, INTERVAL '5 minutes');
