-- title: Re-key readings by device with PARTITION BY, then average per device downstream
-- dialect: ksqldb
-- expect-strategy: smart_repartition
-- expect-extended: smart_repartition
-- expect-velostream: always_hash
CREATE STREAM readings_by_device AS
SELECT
    device_id,
    temperature,
    site
FROM readings
PARTITION BY device_id
EMIT CHANGES;

SELECT
    device_id,
    AVG(temperature) AS avg_temperature
FROM readings_by_device
WINDOW TUMBLING (SIZE 1 MINUTE)
GROUP BY device_id
EMIT CHANGES;
