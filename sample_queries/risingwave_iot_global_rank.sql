-- title: Hottest readings across the fleet (OVER window without PARTITION BY)
-- dialect: risingwave
-- expect-strategy: sticky_partition
-- expect-extended: fan_in
-- expect-velostream: sticky_partition
SELECT
    device_id,
    temperature,
    RANK() OVER (ORDER BY temperature DESC) AS heat_rank
FROM readings;
