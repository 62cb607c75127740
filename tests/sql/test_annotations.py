from __future__ import annotations

from core.sql import parse_script
from core.sql.annotations import read_annotations


def test_reads_key_values_with_line_numbers() -> None:
    lines = ["-- @name: totals", "--@partitioning_strategy : hash ", "-- plain comment", "SELECT 1"]
    values, where = read_annotations(lines, 1, 3)
    assert values == {"name": "totals", "partitioning_strategy": "hash"}
    assert where == {"name": 1, "partitioning_strategy": 2}


def test_keys_may_hold_dots_and_dashes() -> None:
    values, _ = read_annotations(["-- @sticky-partition-id: 3", "-- @metric.name: lat"], 1, 2)
    assert values == {"sticky-partition-id": "3", "metric.name": "lat"}


def test_annotations_belong_to_the_next_statement() -> None:
    sql = "-- @name: first\nSELECT a FROM t;\n\n-- @name: second\n-- @num_partitions: 8\nSELECT b FROM u"
    first, second = parse_script(sql)
    assert first.annotations == {"name": "first"}
    assert second.annotations == {"name": "second", "num_partitions": "8"}
    assert second.annotation_lines == {"name": 4, "num_partitions": 5}


def test_annotation_inside_a_string_is_not_read() -> None:
    sql = "SELECT '\n-- @name: fake\n' AS s FROM t"
    (stmt,) = parse_script(sql)
    assert stmt.annotations == {}
