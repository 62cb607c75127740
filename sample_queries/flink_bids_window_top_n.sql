-- title: The three highest bids per 10-minute window (window Top-N over a window TVF)
-- dialect: flink
-- expect-strategy: sticky_partition
-- expect-extended: fan_in
-- expect-velostream: always_hash
CREATE TABLE bids (
    auction  BIGINT,
    bidder   BIGINT,
    price    BIGINT,
    bid_time TIMESTAMP(3),
    WATERMARK FOR bid_time AS bid_time - INTERVAL '2' SECOND
) WITH ('connector' = 'kafka', 'topic' = 'bids', 'format' = 'json');

SELECT *
FROM (
    SELECT auction, bidder, price, window_start, window_end,
           ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY price DESC) AS rownum
    FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(bid_time), INTERVAL '10' MINUTE))
)
WHERE rownum <= 3;
