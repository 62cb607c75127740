-- title: Payments joined with card alerts within ten minutes, both topics keyed by card
-- dialect: velostream
-- source-key: card_id
-- expect-strategy: round_robin
-- expect-extended: smart_repartition
-- expect-velostream: sticky_partition
SELECT
    p.card_id,
    p.amount,
    a.risk_score
FROM payments p
JOIN card_alerts a ON p.card_id = a.card_id WITHIN INTERVAL '10' MINUTE
EMIT CHANGES;
