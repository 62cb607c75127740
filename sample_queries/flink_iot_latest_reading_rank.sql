-- title: Each device's latest reading (rank by recency, keep rank 1) on a topic keyed by device
-- dialect: flink
-- source-key: readings=device_id
-- expect-strategy: sticky_partition
-- expect-extended: smart_repartition
-- expect-velostream: sticky_partition
-- Flink streams a ranking only as Top-N / deduplication (a filter on the rank): a bare ROW_NUMBER()
-- ordered by a time DESC is rejected ("The window can only be ordered in ASCENDING mode").
SELECT device_id, temperature, recency_rank
FROM (
    SELECT
        device_id,
        temperature,
        ROW_NUMBER() OVER (PARTITION BY device_id ORDER BY ts DESC) AS recency_rank
    FROM readings
)
WHERE recency_rank = 1;
