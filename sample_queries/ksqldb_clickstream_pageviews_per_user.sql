-- title: Page views per user every 30 seconds, materialized as a table
-- dialect: ksqldb
-- expect-strategy: always_hash
-- expect-extended: always_hash
-- expect-velostream: sticky_partition
CREATE TABLE pageviews_per_user AS
SELECT
    user_id,
    COUNT(*) AS views
FROM pageviews
WINDOW TUMBLING (SIZE 30 SECONDS)
GROUP BY user_id
EMIT CHANGES;
