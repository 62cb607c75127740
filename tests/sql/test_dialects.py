"""ksqlDB, Flink, Spark and RisingWave forms, and the dialect names themselves."""

from __future__ import annotations

import pytest

from core.errors import InvalidConfigError
from core.sql import ParsedStatement, WindowSpec, parse_script, valid_dialects


def one(sql: str, dialect: str) -> ParsedStatement:
    (stmt,) = parse_script(sql, dialect)
    return stmt


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("TUMBLING (SIZE 30 SECONDS)", WindowSpec("tumbling", size_ms=30_000, written="TUMBLING")),
        (
            "TUMBLING (SIZE 1 HOUR, RETENTION 7 DAYS, GRACE PERIOD 10 MINUTES)",
            WindowSpec("tumbling", size_ms=3_600_000, written="TUMBLING"),
        ),
        (
            "HOPPING (SIZE 1 MINUTE, ADVANCE BY 10 SECONDS)",
            WindowSpec("hopping", size_ms=60_000, advance_ms=10_000, written="HOPPING"),
        ),
        ("SESSION (5 MINUTES)", WindowSpec("session", gap_ms=300_000, written="SESSION")),
    ],
)
def test_ksqldb_windows_after_from(spec: str, expected: WindowSpec) -> None:
    stmt = one(
        f"SELECT user_id, COUNT(*) FROM clicks WINDOW {spec} WHERE x > 0 GROUP BY user_id EMIT CHANGES",
        "ksqldb",
    )
    assert stmt.clauses.window == expected
    assert stmt.clauses.emit == "changes"
    assert stmt.expression.sql() == "SELECT user_id, COUNT(*) FROM clicks WHERE x > 0 GROUP BY user_id"


def test_ksqldb_create_with_properties_and_partition_by() -> None:
    stmt = one(
        "CREATE STREAM by_user WITH (KAFKA_TOPIC='by_user', PARTITIONS=6) AS "
        "SELECT * FROM clicks c PARTITION BY c.user_id EMIT CHANGES",
        "ksqldb",
    )
    assert stmt.clauses.create is not None and stmt.clauses.create.name == "by_user"
    assert stmt.clauses.properties == {"KAFKA_TOPIC": "by_user", "PARTITIONS": "6"}
    assert stmt.clauses.partition_by == ["user_id"]


def test_ksqldb_backtick_names() -> None:
    stmt = one("SELECT `User Id` FROM clicks EMIT CHANGES", "ksqldb")
    assert stmt.expression.expressions[0].name == "User Id"


@pytest.mark.parametrize(
    ("from_clause", "expected"),
    [
        (
            "TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' MINUTES))",
            WindowSpec("tumbling", size_ms=600_000, time_column="ts", source="bids", written="TUMBLE"),
        ),
        (
            "TABLE(HOP(TABLE bids, DESCRIPTOR(ts), INTERVAL '5' MINUTES, INTERVAL '10' MINUTES))",
            WindowSpec(
                "hopping", size_ms=600_000, advance_ms=300_000, time_column="ts", source="bids", written="HOP"
            ),
        ),
        (
            "TABLE(CUMULATE(TABLE bids, DESCRIPTOR(ts), INTERVAL '2' MINUTES, INTERVAL '10' MINUTES))",
            WindowSpec(
                "hopping",
                size_ms=600_000,
                advance_ms=120_000,
                time_column="ts",
                source="bids",
                written="CUMULATE",
            ),
        ),
        (
            "TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '1' MINUTE)",
            WindowSpec("tumbling", size_ms=60_000, time_column="ts", source="bids", written="TUMBLE"),
        ),
        (
            "TABLE(TUMBLE(DATA => TABLE bids, TIMECOL => DESCRIPTOR(ts), SIZE => INTERVAL '1' MINUTE))",
            WindowSpec("tumbling", size_ms=60_000, time_column="ts", source="bids", written="TUMBLE"),
        ),
        (
            "TABLE(SESSION(TABLE bids PARTITION BY item, DESCRIPTOR(ts), INTERVAL '5' MINUTES))",
            WindowSpec("session", gap_ms=300_000, time_column="ts", source="bids", written="SESSION"),
        ),
    ],
)
def test_flink_window_tvfs(from_clause: str, expected: WindowSpec) -> None:
    stmt = one(
        f"SELECT window_start, item, SUM(price) FROM {from_clause} GROUP BY window_start, window_end, item",
        "flink",
    )
    assert stmt.clauses.window == expected
    assert stmt.expression.sql().startswith("SELECT window_start, item, SUM(price) FROM bids GROUP BY")


def test_flink_tvf_keeps_alias() -> None:
    stmt = one("SELECT * FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) AS w", "flink")
    assert stmt.expression.sql() == "SELECT * FROM bids AS w"


def test_flink_group_windows_parse_natively() -> None:
    stmt = one("SELECT user_id FROM ev GROUP BY SESSION(ts, INTERVAL '1' MINUTE), user_id", "flink")
    assert stmt.clauses.window is None
    assert "SESSION(ts, INTERVAL '1' MINUTE)" in stmt.expression.sql()


def test_spark_window_function() -> None:
    stmt = one("SELECT user, count(*) FROM ev GROUP BY window(ts, '10 minutes', '5 minutes'), user", "spark")
    assert stmt.clauses.window is None
    assert "WINDOW(ts, '10 minutes', '5 minutes')" in stmt.expression.sql()


@pytest.mark.parametrize(
    ("func", "expected"),
    [
        (
            "TUMBLE(bids, ts, INTERVAL '1 minute')",
            WindowSpec("tumbling", size_ms=60_000, time_column="ts", source="bids", written="TUMBLE"),
        ),
        (
            "HOP(bids, ts, INTERVAL '1 minute', INTERVAL '5 minutes')",
            WindowSpec(
                "hopping", size_ms=300_000, advance_ms=60_000, time_column="ts", source="bids", written="HOP"
            ),
        ),
    ],
)
def test_risingwave_window_functions(func: str, expected: WindowSpec) -> None:
    stmt = one(
        f"SELECT window_start, COUNT(*) FROM {func} GROUP BY window_start EMIT ON WINDOW CLOSE", "risingwave"
    )
    assert stmt.clauses.window == expected
    assert stmt.clauses.emit == "final"


def test_risingwave_materialized_view() -> None:
    stmt = one("CREATE MATERIALIZED VIEW mv AS SELECT a, COUNT(*) FROM t GROUP BY a", "risingwave")
    assert stmt.clauses.create is not None
    assert (stmt.clauses.create.kind, stmt.clauses.create.name) == ("create_view", "mv")


def test_any_sqlglot_dialect_passes_through() -> None:
    stmt = one("SELECT a FROM `p.d.t` WHERE a > 1", "bigquery")
    assert stmt.expression.sql(dialect="bigquery") == "SELECT a FROM `p.d.t` WHERE a > 1"


def test_unknown_dialect_lists_valid_ones() -> None:
    with pytest.raises(InvalidConfigError, match="velostream, ksqldb"):
        parse_script("SELECT 1", "nosuchsql")
    assert {"velostream", "ksqldb", "flink", "spark", "risingwave", "postgres"} <= set(valid_dialects())


def test_dialect_names_are_case_insensitive() -> None:
    assert one("SELECT a FROM t EMIT CHANGES", "VeloStream").clauses.emit == "changes"


def test_spark_window_struct_column() -> None:
    stmt = one(
        "SELECT window.start, window.end, user, count(*) FROM ev "
        "GROUP BY window(ts, '1 minute'), user ORDER BY window",
        "spark",
    )
    assert stmt.expression.sql(dialect="spark").startswith("SELECT window.start, window.end, user")


def test_flink_tvf_after_a_comma_in_from() -> None:
    stmt = one(
        "SELECT * FROM dims d, TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) w "
        "WHERE d.k = w.k",
        "flink",
    )
    assert stmt.clauses.tvf_sources == ["bids"]
    assert (
        stmt.expression.sql(dialect="spark") == "SELECT * FROM dims AS d CROSS JOIN bids AS w WHERE d.k = w.k"
    )


def test_select_list_comma_is_not_a_from_list() -> None:
    stmt = one("SELECT a, HOP(x) FROM t", "flink")
    assert stmt.clauses.window is None
