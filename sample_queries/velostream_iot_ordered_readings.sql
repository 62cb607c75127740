-- title: Sensor readings replayed in event-time order
-- dialect: velostream
-- expect-strategy: sticky_partition
-- expect-extended: sticky_partition
-- expect-velostream: sticky_partition
SELECT
    device_id,
    temperature,
    humidity,
    event_time
FROM sensor_readings
WHERE temperature > 80
ORDER BY event_time;
