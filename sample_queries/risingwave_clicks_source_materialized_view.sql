-- title: A keyed Kafka source and a materialized view counting clicks per user in 5-minute windows
-- dialect: risingwave
-- expect-strategy: always_hash
-- expect-extended: always_hash
-- expect-velostream: sticky_partition
CREATE SOURCE clicks (
    user_id  VARCHAR,
    url      VARCHAR,
    click_ts TIMESTAMP,
    WATERMARK FOR click_ts AS click_ts - INTERVAL '10' SECOND
)
INCLUDE key AS click_key
WITH (
    connector = 'kafka',
    topic = 'clicks',
    properties.bootstrap.server = 'kafka:9092',
    scan.startup.mode = 'earliest'
) FORMAT PLAIN ENCODE JSON;

CREATE MATERIALIZED VIEW clicks_per_user AS
SELECT user_id, window_start, COUNT(*) AS clicks
FROM TUMBLE(clicks, click_ts, INTERVAL '5' MINUTE)
GROUP BY user_id, window_start;
