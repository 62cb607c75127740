-- title: Fleet-wide reading count per minute (a global windowed aggregate)
-- dialect: velostream
-- expect-strategy: sticky_partition
-- expect-extended: fan_in
-- expect-velostream: always_hash
SELECT
    COUNT(*) AS readings,
    AVG(temperature) AS avg_temperature
FROM sensor_readings
WINDOW TUMBLING(1m)
EMIT FINAL;
