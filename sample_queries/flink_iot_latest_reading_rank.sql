-- title: Rank each device's readings by recency on a topic keyed by device
-- dialect: flink
-- source-key: readings=device_id
-- expect-strategy: sticky_partition
-- expect-extended: smart_repartition
-- expect-velostream: sticky_partition
SELECT
    device_id,
    temperature,
    ROW_NUMBER() OVER (PARTITION BY device_id ORDER BY ts DESC) AS recency_rank
FROM readings;
