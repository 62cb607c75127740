-- title: Running total of all payments (a global aggregate)
-- dialect: spark
-- expect-strategy: round_robin
-- expect-extended: fan_in
-- expect-velostream: sticky_partition
SELECT
    SUM(amount) AS total_amount,
    COUNT(*) AS payments
FROM payments;
