-- title: Distinct pages per user: a DISTINCT then a GROUP BY that share the user key
-- dialect: spark
-- expect-strategy: always_hash
-- expect-extended: always_hash
-- expect-velostream: sticky_partition
CREATE OR REFRESH STREAMING TABLE pages_per_user
COMMENT 'How many different pages each user opened'
AS SELECT user_id, COUNT(*) AS pages
FROM (SELECT DISTINCT user_id, page FROM STREAM(clicks))
GROUP BY user_id;
