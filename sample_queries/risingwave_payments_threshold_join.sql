-- title: Payments over a merchant limit (a join without an equi-join key)
-- dialect: risingwave
-- expect-strategy: round_robin
-- expect-extended: fan_in
-- expect-velostream: sticky_partition
SELECT
    p.payment_id,
    p.amount,
    l.max_amount
FROM payments p
JOIN limits l ON p.amount > l.max_amount;
