-- title: Alerted spend per card: a join and a GROUP BY on the same key, both topics keyed by card
-- dialect: velostream
-- source-key: payments=card_id
-- source-key: card_alerts=card_id
-- expect-strategy: smart_repartition
-- expect-extended: smart_repartition
-- expect-velostream: always_hash
SELECT p.card_id, COUNT(*) AS alerted_payments, SUM(p.amount) AS alerted_amount
FROM payments p
JOIN card_alerts a ON p.card_id = a.card_id
GROUP BY p.card_id
EMIT CHANGES;
