-- title: Stateless clickstream filter and projection
-- dialect: velostream
-- expect-strategy: round_robin
-- expect-extended: round_robin
-- expect-velostream: sticky_partition
SELECT
    user_id,
    page_url,
    referrer,
    _TIMESTAMP AS seen_at
FROM page_views
WHERE page_url LIKE '/checkout%'
EMIT CHANGES;
