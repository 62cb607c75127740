"""Plans and exchanges per engine, checked against what Flink's planner does (notes/flink.md)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.model.catalog import Column, TableDef
from core.plan import build_plan, single_routing
from core.sql import parse_script

CATALOG = {
    "orders": TableDef("orders", key=("order_id",), partitioner="murmur2",
                       columns=tuple(Column(c) for c in ("order_id", "customer_id", "amount", "ts"))),
    "shipments": TableDef("shipments", columns=tuple(Column(c) for c in ("order_id", "carrier", "ts")),
                          key=("order_id",), partitioner="murmur2"),
}


def plan(sql: str, engine: str = "flink", dialect: str = "flink"):  # type: ignore[no-untyped-def]
    return build_plan(parse_script(sql, dialect)[0], CATALOG, engine=engine)


def exchanges(sql: str, engine: str = "flink") -> list[tuple[str, str, tuple[str, ...]]]:
    p = plan(sql, engine).plan
    return [(p.operators[e.to].kind, e.kind, e.keys) for e in p.exchanges]


# (query, Flink's exchanges as (operator fed, kind, keys)) — the facts notes/flink.md records.
FLINK = [
    ("SELECT customer_id, COUNT(*) FROM orders GROUP BY customer_id",
     [("aggregate", "hash", ("customer_id",))]),
    ("SELECT customer_id, COUNT(*) FROM orders GROUP BY customer_id HAVING COUNT(*) > 2",
     [("aggregate", "hash", ("customer_id",))]),
    ("SELECT UPPER(customer_id) AS r, COUNT(*) FROM orders GROUP BY UPPER(customer_id)",
     [("aggregate", "hash", ("UPPER(customer_id)",))]),
    ("SELECT COUNT(*) FROM orders", [("aggregate", "single", ())]),
    ("SELECT COUNT(DISTINCT customer_id) FROM orders", [("aggregate", "single", ())]),
    ("SELECT DISTINCT customer_id, amount FROM orders", [("distinct", "hash", ("customer_id", "amount"))]),
    ("SELECT customer_id FROM orders UNION SELECT order_id FROM shipments",
     [("union", "hash", ("customer_id",))]),  # UNION ALL, then one hash on all columns
    ("SELECT customer_id FROM orders UNION ALL SELECT order_id FROM shipments", []),
    ("SELECT o.amount, s.carrier FROM orders o JOIN shipments s ON o.order_id = s.order_id",
     [("join", "hash", ("order_id",)), ("join", "hash", ("order_id",))]),
    ("SELECT o.amount FROM orders o LEFT JOIN shipments s ON o.order_id = s.order_id AND o.ts = s.ts",
     [("join", "hash", ("order_id", "ts")), ("join", "hash", ("order_id", "ts"))]),
    ("SELECT o.amount FROM orders o JOIN shipments s ON o.amount > 10", [("join", "single", ()),
                                                                       ("join", "single", ())]),
    ("SELECT * FROM orders WHERE order_id IN (SELECT order_id FROM shipments)",
     [("join", "hash", ("order_id",)), ("join", "hash", ("order_id",))]),
    ("SELECT customer_id, SUM(amount) OVER (PARTITION BY customer_id ORDER BY ts) FROM orders",
     [("over", "hash", ("customer_id",))]),
    ("SELECT SUM(amount) OVER (ORDER BY ts) FROM orders", [("over", "single", ())]),
    ("SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY amount DESC) AS rn "
     "FROM orders) WHERE rn <= 3", [("rank", "hash", ("customer_id",))]),
    ("SELECT * FROM orders ORDER BY amount DESC LIMIT 10", [("sort_limit", "single", ())]),
    ("SELECT * FROM orders LIMIT 10", [("limit", "single", ())]),
    ("SELECT * FROM orders ORDER BY ts", [("sort", "single", ())]),
    ("SELECT customer_id, order_id, COUNT(*) FROM orders GROUP BY ROLLUP(customer_id, order_id)",
     [("aggregate", "hash", ("customer_id", "order_id", "$e"))]),
    ("SELECT s.carrier, COUNT(*) FROM orders o JOIN shipments s ON o.order_id = s.order_id "
     "GROUP BY s.carrier",
     [("join", "hash", ("order_id",)), ("join", "hash", ("order_id",)), ("aggregate", "hash", ("carrier",))]),
    ("SELECT a, COUNT(*) FROM (SELECT customer_id AS a FROM orders WHERE amount > 1) GROUP BY a",
     [("aggregate", "hash", ("a",))]),
    ("WITH big AS (SELECT * FROM orders WHERE amount > 100) SELECT customer_id, COUNT(*) FROM big "
     "GROUP BY customer_id", [("aggregate", "hash", ("customer_id",))]),
]


@pytest.mark.parametrize(("sql", "expected"), FLINK, ids=[q[:50] for q, _ in FLINK])
def test_flink_exchanges_match_the_planner(sql: str, expected: list[tuple[str, str, tuple[str, ...]]],
                                           ) -> None:
    assert sorted(exchanges(sql)) == sorted(expected)


def test_flink_never_trusts_a_keyed_source_but_partition_lab_skips_the_aligned_shuffle() -> None:
    sql = "SELECT order_id, COUNT(*) FROM orders GROUP BY order_id"
    assert exchanges(sql, "flink") == [("aggregate", "hash", ("order_id",))]
    assert exchanges(sql, "partition-lab") == []
    assert exchanges(sql, "kafka-streams") == []  # GROUP BY exactly the message key
    assert exchanges(sql, "velostream") == [("aggregate", "hash", ("order_id",))]


def test_a_subset_of_the_keys_satisfies_partition_lab_not_kafka_streams() -> None:
    sql = "SELECT order_id, customer_id, COUNT(*) FROM orders GROUP BY order_id, customer_id"
    assert exchanges(sql, "partition-lab") == []
    assert exchanges(sql, "kafka-streams") == [("aggregate", "hash", ("order_id", "customer_id"))]


def test_an_unaligned_shuffle_after_a_source_is_smart_repartition_under_partition_lab() -> None:
    p = plan("SELECT customer_id, COUNT(*) FROM orders GROUP BY customer_id", "partition-lab").plan
    [e] = p.exchanges
    assert e.strategy == "smart_repartition" and e.kind == "hash" and "its input is" in e.reason


def test_spark_hashes_a_windowed_aggregate_on_the_window_too() -> None:
    sql = "SELECT customer_id, COUNT(*) FROM orders GROUP BY window(ts, '10 minutes'), customer_id"
    assert exchanges(sql, "spark") == [("aggregate", "hash", ("customer_id", "window"))]
    assert exchanges(sql, "flink") == [("aggregate", "hash", ("customer_id",))]


def test_window_bounds_never_route_even_through_an_alias() -> None:
    sql = ("SELECT starttime, COUNT(*) FROM (SELECT window_start AS starttime, customer_id FROM orders) "
           "GROUP BY starttime")
    assert exchanges(sql) == [("aggregate", "single", ())]


def test_single_routing_shares_keys_or_gives_none() -> None:
    join_then_group = ("SELECT s.carrier, COUNT(*) FROM orders o JOIN shipments s ON o.order_id = s.order_id "
                       "GROUP BY s.carrier")
    assert single_routing(plan(join_then_group)).keys is None
    same = ("SELECT o.order_id, COUNT(*) FROM orders o JOIN shipments s ON o.order_id = s.order_id "
            "GROUP BY o.order_id")
    assert single_routing(plan(same)).keys == ("order_id",)
    nested = ("SELECT customer_id, order_id, COUNT(*) FROM (SELECT customer_id, order_id, COUNT(*) AS n "
              "FROM orders GROUP BY customer_id, order_id) GROUP BY customer_id, order_id")
    assert single_routing(plan(nested)).keys == ("customer_id", "order_id")
    regroup = ("SELECT customer_id, COUNT(*) FROM (SELECT customer_id, order_id FROM orders "
               "GROUP BY customer_id, order_id) GROUP BY customer_id")
    assert single_routing(plan(regroup)).keys == ("customer_id",)
    assert single_routing(plan("SELECT * FROM orders WHERE amount > 1")).keys == ()
    assert single_routing(plan("SELECT COUNT(*) FROM orders")).keys is None


_QUERIES = st.sampled_from([q for q, _ in FLINK])


@settings(max_examples=40, deadline=None)
@given(_QUERIES, st.sampled_from(["flink", "spark", "kafka-streams", "velostream", "partition-lab"]))
def test_every_exchange_sits_on_a_real_edge_and_every_unsatisfied_input_has_one(sql: str, engine: str,
                                                                                ) -> None:
    p = plan(sql, engine).plan
    ops = p.operators
    assert [o.id for o in ops] == list(range(len(ops)))
    edges = {(e.from_, e.to) for e in p.exchanges}
    assert len(edges) == len(p.exchanges)  # at most one exchange per edge
    for e in p.exchanges:
        assert e.from_ in ops[e.to].inputs and e.from_ < e.to
        assert e.kind in ("hash", "single") and (e.kind == "single") == (e.strategy == "fan_in")
    for op in ops:
        assert len(op.requires) == len(op.inputs)
        for i, req in zip(op.inputs, op.requires, strict=True):
            if req.kind == "single" and ops[i].kind == "source":
                assert (i, op.id) in edges  # a source is never in one place by itself
