-- title: Revenue per region: Kafka DDL, settings, a keyed join, then a GROUP BY on another key
-- dialect: flink
-- expect-strategy: always_hash
-- expect-extended: always_hash
-- expect-velostream: sticky_partition
SET 'execution.runtime-mode' = 'streaming';
SET 'parallelism.default' = '4';

CREATE TABLE orders (
    order_id    BIGINT,
    customer_id BIGINT,
    amount      DECIMAL(12, 2),
    order_time  TIMESTAMP(3),
    WATERMARK FOR order_time AS order_time - INTERVAL '5' SECOND
) WITH (
    'connector' = 'kafka',
    'topic' = 'orders',
    'properties.bootstrap.servers' = 'kafka:9092',
    'key.format' = 'raw',
    'key.fields' = 'customer_id',
    'value.format' = 'json'
);

CREATE TABLE customers (
    id     BIGINT,
    region STRING,
    PRIMARY KEY (id) NOT ENFORCED
) WITH (
    'connector' = 'upsert-kafka',
    'topic' = 'customers',
    'properties.bootstrap.servers' = 'kafka:9092',
    'key.format' = 'raw',
    'value.format' = 'json'
);

CREATE TABLE revenue_by_region (
    region  STRING,
    revenue DECIMAL(18, 2),
    PRIMARY KEY (region) NOT ENFORCED
) WITH ('connector' = 'upsert-kafka', 'topic' = 'revenue', 'key.format' = 'raw', 'value.format' = 'json');

INSERT INTO revenue_by_region
SELECT c.region, SUM(o.amount) AS revenue
FROM orders AS o
JOIN customers AS c ON o.customer_id = c.id
GROUP BY c.region;
