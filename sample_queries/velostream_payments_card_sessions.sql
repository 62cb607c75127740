-- title: Card spending sessions on a topic keyed by card
-- dialect: velostream
-- source-key: card_payments=card_id
-- expect-strategy: smart_repartition
-- expect-extended: smart_repartition
-- expect-velostream: always_hash
SELECT
    card_id,
    COUNT(*) AS swipes,
    SUM(amount) AS spent
FROM card_payments
GROUP BY card_id
WINDOW SESSION(event_time, 30m)
EMIT FINAL;
