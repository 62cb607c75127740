-- title: Hopping page views per session on a topic keyed by session
-- dialect: risingwave
-- source-key: page_views=session_id
-- expect-strategy: smart_repartition
-- expect-extended: smart_repartition
-- expect-velostream: always_hash
SELECT
    session_id,
    window_start,
    COUNT(*) AS views
FROM HOP(page_views, ts, INTERVAL '1 minute', INTERVAL '5 minutes')
GROUP BY session_id, window_start;
