-- title: Clicks per user in ten-minute windows (Spark window function in GROUP BY)
-- dialect: spark
-- expect-strategy: always_hash
-- expect-extended: always_hash
-- expect-velostream: always_hash
SELECT
    window(ts, '10 minutes') AS w,
    user_id,
    COUNT(*) AS clicks
FROM clicks
GROUP BY window(ts, '10 minutes'), user_id;
