-- title: Pageviews keyed by user, re-keyed by page with a CSAS, then counted per page
-- dialect: ksqldb
-- expect-strategy: smart_repartition
-- expect-extended: smart_repartition
-- expect-velostream: sticky_partition
CREATE STREAM pageviews (
    user_id VARCHAR KEY,
    page_id VARCHAR,
    viewtime BIGINT
) WITH (KAFKA_TOPIC = 'pageviews', PARTITIONS = 6, KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'JSON',
        TIMESTAMP = 'viewtime');

CREATE STREAM pageviews_by_page WITH (KAFKA_TOPIC = 'pageviews_by_page', PARTITIONS = 6) AS
SELECT page_id, user_id, viewtime
FROM pageviews
PARTITION BY page_id
EMIT CHANGES;

CREATE TABLE views_per_page AS
SELECT page_id, COUNT(*) AS views
FROM pageviews_by_page
WINDOW TUMBLING (SIZE 1 MINUTE)
GROUP BY page_id
EMIT CHANGES;
