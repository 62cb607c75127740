-- title: Distinct device/site pairs seen (DISTINCT without GROUP BY)
-- dialect: spark
-- expect-strategy: round_robin
-- expect-extended: always_hash
-- expect-velostream: sticky_partition
SELECT DISTINCT
    device_id,
    site
FROM readings;
