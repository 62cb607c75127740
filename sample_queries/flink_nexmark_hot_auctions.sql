-- title: Nexmark-style hot auctions: bids per auction in sliding windows, on a topic keyed by auction
-- dialect: flink
-- expect-strategy: smart_repartition
-- expect-extended: smart_repartition
-- expect-velostream: sticky_partition
CREATE TABLE bid (
    auction  BIGINT,
    bidder   BIGINT,
    price    BIGINT,
    channel  STRING,
    `dateTime` TIMESTAMP(3),  -- a reserved word in Flink SQL: quoted, as Nexmark's own DDL does
    WATERMARK FOR `dateTime` AS `dateTime` - INTERVAL '4' SECOND
) WITH ('connector' = 'kafka', 'topic' = 'nexmark-bid', 'key.fields' = 'auction', 'key.format' = 'raw',
        'value.format' = 'json');

CREATE TABLE hot_auctions (
    auction      BIGINT,
    window_start TIMESTAMP(3),
    num_bids     BIGINT
) WITH ('connector' = 'blackhole');

INSERT INTO hot_auctions
SELECT auction, window_start, COUNT(*) AS num_bids
FROM TABLE(HOP(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
WHERE channel <> 'test'
GROUP BY auction, window_start, window_end;
