"""Reading exchanges out of recorded Flink 2.3.0 explain outputs, and Flink's error text."""

# ruff: noqa: E501  (the plans below are Flink's output, recorded verbatim)
from __future__ import annotations

from core.flink.plan_text import exchanges_of, split_top_level
from core.flink.runner import flink_message

# Recorded from PyFlink 2.3.0: join on order_id, then GROUP BY carrier.
JOIN_THEN_GROUP = """== Abstract Syntax Tree ==
LogicalAggregate(group=[{0}], EXPR$1=[COUNT()])
+- LogicalProject(carrier=[$5])

== Optimized Physical Plan ==
GroupAggregate(groupBy=[carrier], select=[carrier, COUNT(*) AS EXPR$1])
+- Exchange(distribution=[hash[carrier]])
   +- Calc(select=[carrier])
      +- Join(joinType=[InnerJoin], where=[=(order_id, order_id0)], select=[order_id, order_id0, carrier], leftInputSpec=[NoUniqueKey], rightInputSpec=[NoUniqueKey])
         :- Exchange(distribution=[hash[order_id]])
         :  +- Calc(select=[order_id])
         :     +- WatermarkAssigner(rowtime=[ts], watermark=[-(ts, 1000:INTERVAL SECOND)])
         :        +- TableSourceScan(table=[[default_catalog, default_database, orders]], fields=[order_id, region, amount, ts])
         +- Exchange(distribution=[hash[order_id]])
            +- Calc(select=[order_id, carrier])
               +- TableSourceScan(table=[[default_catalog, default_database, ship]], fields=[order_id, carrier, ts])

== Optimized Execution Plan ==
GroupAggregate(groupBy=[carrier], select=[carrier, COUNT(*) AS EXPR$1])
+- Exchange(distribution=[single])
"""

UPPER_KEY = """== Optimized Physical Plan ==
GroupAggregate(groupBy=[r], select=[r, SUM(amount) AS EXPR$1])
+- Exchange(distribution=[hash[r]])
   +- Calc(select=[UPPER(region) AS r, amount])
      +- WatermarkAssigner(rowtime=[ts], watermark=[-(ts, 1000:INTERVAL SECOND)])
         +- TableSourceScan(table=[[default_catalog, default_database, orders]], fields=[order_id, region, amount, ts])

== Optimized Execution Plan ==
"""

GLOBAL = """== Optimized Physical Plan ==
GroupAggregate(select=[COUNT(*) AS EXPR$0])
+- Exchange(distribution=[single])
   +- Calc(select=[0 AS $f0])
      +- TableSourceScan(table=[[default_catalog, default_database, orders]], fields=[order_id])
"""

TOP_N = """== Optimized Physical Plan ==
Rank(strategy=[AppendFastStrategy], rankType=[ROW_NUMBER], rankRange=[rankStart=1, rankEnd=3], partitionBy=[region], orderBy=[amount DESC], select=[order_id, region, amount, ts, w0$o0])
+- Exchange(distribution=[hash[region]])
   +- WatermarkAssigner(rowtime=[ts], watermark=[-(ts, 1000:INTERVAL SECOND)])
      +- TableSourceScan(table=[[default_catalog, default_database, orders]], fields=[order_id, region, amount, ts])
"""

FORWARD_ONLY = """== Optimized Physical Plan ==
Calc(select=[a], where=[>(a, 1)])
+- TableSourceScan(table=[[default_catalog, default_database, t]], fields=[a])
"""

TWO_KEYS_AND_BROADCAST = """== Optimized Physical Plan ==
Join(joinType=[InnerJoin], where=[AND(=(a, a0), =(b, b0))], select=[a, b, a0, b0])
:- Exchange(distribution=[hash[a, b]])
:  +- TableSourceScan(table=[[x]], fields=[a, b])
+- Exchange(distribution=[broadcast])
   +- Exchange(distribution=[any])
      +- TableSourceScan(table=[[y]], fields=[a, b])
"""


def _summary(text: str) -> list[tuple[str, tuple[str, ...], str]]:
    return [(e.kind, e.keys, e.feeds) for e in exchanges_of(text)]


def test_a_join_then_group_by_has_three_hash_exchanges_fed_to_the_right_operators() -> None:
    assert _summary(JOIN_THEN_GROUP) == [
        ("hash", ("carrier",), "GroupAggregate"),
        ("hash", ("order_id",), "Join"),
        ("hash", ("order_id",), "Join"),
    ]  # the execution plan's section (with a 'single') is not read


def test_a_key_defined_by_an_upstream_calc_keeps_its_expression() -> None:
    (ex,) = exchanges_of(UPPER_KEY)
    assert ex.keys == ("r",) and ex.key_expressions == ("UPPER(region)",) and ex.producer == "Calc"
    assert ex.to_dict()["key_expressions"] == ["UPPER(region)"]


def test_global_aggregate_top_n_and_forward_only_plans() -> None:
    assert _summary(GLOBAL) == [("single", (), "GroupAggregate")]
    assert _summary(TOP_N) == [("hash", ("region",), "Rank")]
    assert _summary(FORWARD_ONLY) == []
    assert _summary("no plan here") == []


def test_two_keys_broadcast_and_any_are_read() -> None:
    assert _summary(TWO_KEYS_AND_BROADCAST) == [
        ("hash", ("a", "b"), "Join"), ("broadcast", (), "Join"), ("any", (), "Exchange")]


def test_split_top_level_respects_brackets() -> None:
    assert split_top_level("a, f(b, c), x[1, 2] AS y") == ["a", "f(b, c)", "x[1, 2] AS y"]


RECORDED_ERROR = """An error occurred while calling o8.explainSql.
: org.apache.flink.table.api.ValidationException: SQL validation failed. From line 1, column 8 to line 1, column 11: Column 'nope' not found in any table
\tat org.apache.flink.table.planner.calcite.FlinkPlannerImpl.validate(FlinkPlannerImpl.scala:119)
\tat java.base/java.lang.reflect.Method.invoke(Method.java:569)
Caused by: org.apache.calcite.runtime.CalciteContextException: From line 1, column 8 to line 1, column 11: Column 'nope' not found in any table
\tat jdk.internal.reflect.GeneratedConstructorAccessor.newInstance(Unknown Source)
Caused by: org.apache.calcite.sql.validate.SqlValidatorException: Column 'nope' not found in any table
\t... 40 more
"""


def test_flink_message_keeps_the_exception_and_its_root_cause_without_frames() -> None:
    msg = flink_message(RECORDED_ERROR)
    assert msg == ("ValidationException: SQL validation failed. From line 1, column 8 to line 1, column 11: "
                   "Column 'nope' not found in any table | SqlValidatorException: Column 'nope' not found "
                   "in any table")
    assert "\tat" not in msg and "o8.explainSql" not in msg
