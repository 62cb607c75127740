"""Velostream forms: each streaming clause is lifted, decoded, and the rest parses as standard SQL."""

from __future__ import annotations

import pytest

from core.sql import ParsedStatement, WindowSpec, parse_script


def one(sql: str, dialect: str = "velostream") -> ParsedStatement:
    (stmt,) = parse_script(sql, dialect)
    return stmt


def window(sql: str) -> WindowSpec | None:
    return one(f"SELECT a, COUNT(*) FROM t GROUP BY a WINDOW {sql}").clauses.window


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("TUMBLING(1m)", WindowSpec("tumbling", size_ms=60_000, written="TUMBLING")),
        ("TUMBLING (30s)", WindowSpec("tumbling", size_ms=30_000, written="TUMBLING")),
        (
            "tumbling(event_time, 5m)",
            WindowSpec("tumbling", size_ms=300_000, time_column="event_time", written="tumbling"),
        ),
        ("TUMBLING(INTERVAL '5' MINUTE)", WindowSpec("tumbling", size_ms=300_000, written="TUMBLING")),
        (
            "TUMBLING(ts, INTERVAL '1' HOUR)",
            WindowSpec("tumbling", size_ms=3_600_000, time_column="ts", written="TUMBLING"),
        ),
        ("TUMBLING(10)", WindowSpec("tumbling", size_ms=10_000, written="TUMBLING")),
        ("TUMBLING(500ms)", WindowSpec("tumbling", size_ms=500, written="TUMBLING")),
        ("SLIDING(10m, 1m)", WindowSpec("hopping", size_ms=600_000, advance_ms=60_000, written="SLIDING")),
        (
            "SLIDING(t.ts, 2h, 30m)",
            WindowSpec(
                "hopping", size_ms=7_200_000, advance_ms=1_800_000, time_column="ts", written="SLIDING"
            ),
        ),
        (
            "SLIDING(INTERVAL '10' MINUTE, INTERVAL '1' MINUTE)",
            WindowSpec("hopping", size_ms=600_000, advance_ms=60_000, written="SLIDING"),
        ),
        ("SESSION(5m)", WindowSpec("session", gap_ms=300_000, written="SESSION")),
        ("SESSION(ts, 30s)", WindowSpec("session", gap_ms=30_000, time_column="ts", written="SESSION")),
        (
            "SESSION(ts, 30s, user_id)",
            WindowSpec("session", gap_ms=30_000, time_column="ts", key_column="user_id", written="SESSION"),
        ),
        ("TUMBLING(1d)", WindowSpec("tumbling", size_ms=86_400_000, written="TUMBLING")),
        ("TUMBLING(1w)", WindowSpec("tumbling", size_ms=604_800_000, written="TUMBLING")),
    ],
)
def test_window_forms(spec: str, expected: WindowSpec) -> None:
    assert window(spec) == expected


def test_window_is_lifted_and_rest_parses() -> None:
    stmt = one("SELECT a, COUNT(*) FROM t GROUP BY a WINDOW TUMBLING(1m) HAVING COUNT(*) > 1")
    assert stmt.expression.sql() == "SELECT a, COUNT(*) FROM t GROUP BY a HAVING COUNT(*) > 1"


@pytest.mark.parametrize(("text", "mode"), [("EMIT CHANGES", "changes"), ("emit final", "final")])
def test_emit(text: str, mode: str) -> None:
    assert one(f"SELECT a FROM t {text}").clauses.emit == mode


def test_row_window_buffer_and_its_options() -> None:
    sql = (
        "SELECT symbol, AVG(price) OVER (ROWS WINDOW BUFFER 100 ROWS PARTITION BY symbol ORDER BY ts "
        "ROWS BETWEEN 10 PRECEDING AND CURRENT ROW EMIT EVERY RECORD "
        "EXPIRE AFTER INTERVAL '5' MINUTE INACTIVITY) AS avg_p, "
        "LAG(price, 1) OVER (ROWS WINDOW BUFFER 5 ROWS ORDER BY ts EMIT ON BUFFER FULL EXPIRE AFTER NEVER) "
        "FROM trades"
    )
    stmt = one(sql)
    assert [(b.function, b.rows) for b in stmt.clauses.buffers] == [("AVG", 100), ("LAG", 5)]
    assert "ROWS BETWEEN 10 PRECEDING AND CURRENT ROW" in stmt.expression.sql()
    assert "BUFFER" not in stmt.expression.sql()


def test_create_stream_and_table_headers() -> None:
    stmt = one("CREATE STREAM enriched AS SELECT * FROM orders")
    assert stmt.clauses.create is not None
    assert (stmt.clauses.create.kind, stmt.clauses.create.name) == ("create_stream", "enriched")
    table = one("create table totals (symbol, n) AS SELECT symbol, COUNT(*) FROM t GROUP BY symbol")
    assert table.clauses.create is not None
    assert table.clauses.create.kind == "create_table"
    assert table.clauses.create.columns == ("symbol", "n")


def test_into_and_statement_properties() -> None:
    stmt = one(
        "SELECT a FROM trades EMIT CHANGES INTO out_topic "
        "WITH ('trades.type' = 'kafka_source', 'partitioning_strategy' = 'sticky')"
    )
    assert stmt.clauses.into == "out_topic"
    assert stmt.clauses.properties == {"trades.type": "kafka_source", "partitioning_strategy": "sticky"}


def test_source_properties_are_qualified_by_source() -> None:
    stmt = one("SELECT a FROM trades t WITH (type = 'kafka_source', topic = 'tr') WHERE a > 1")
    assert stmt.clauses.properties == {"trades.type": "kafka_source", "trades.topic": "tr"}
    assert stmt.expression.sql() == "SELECT a FROM trades AS t WHERE a > 1"


def test_primary_key_in_select_list() -> None:
    stmt = one("SELECT symbol PRIMARY KEY, region AS r PRIMARY KEY, COUNT(*) FROM t GROUP BY symbol, region")
    assert stmt.clauses.primary_key == ["symbol", "r"]


def test_join_within() -> None:
    stmt = one("SELECT * FROM a JOIN b ON a.k = b.k WITHIN 1h LEFT JOIN c ON a.k = c.k WITHIN 30 SECONDS")
    assert stmt.clauses.within_ms == {"b": 3_600_000, "c": 30_000}


def test_clauses_after_where_in_any_order_in_csas() -> None:
    sql = (
        "CREATE STREAM s AS SELECT a, COUNT(*) FROM t WHERE b > 0 EMIT CHANGES LIMIT 5 "
        "HAVING COUNT(*) > 1 WINDOW TUMBLING(1m) GROUP BY a"
    )
    stmt = one(sql)
    assert (
        stmt.expression.sql()
        == "SELECT a, COUNT(*) FROM t WHERE b > 0 GROUP BY a HAVING COUNT(*) > 1 LIMIT 5"
    )


def test_keywords_inside_strings_and_comments_are_untouched() -> None:
    sql = "SELECT 'WINDOW TUMBLING(1m) EMIT CHANGES' AS s /* EMIT FINAL */ FROM t -- WINDOW SESSION(1m)\n"
    stmt = one(sql)
    assert stmt.clauses.window is None and stmt.clauses.emit is None
    assert stmt.clauses.spans == []


def test_semicolons_inside_strings_do_not_split() -> None:
    stmts = parse_script("SELECT 'a;b' FROM t; SELECT c FROM u;\n-- trailing comment")
    assert [s.sql for s in stmts] == ["SELECT 'a;b' FROM t", "SELECT c FROM u"]
    assert [s.index for s in stmts] == [0, 1]


def test_statement_lines_are_one_based() -> None:
    stmts = parse_script("\n\nSELECT a FROM t;\n  SELECT b\n  FROM u")
    assert [s.line for s in stmts] == [3, 4]


def test_named_window_stays_standard() -> None:
    stmt = one("SELECT SUM(x) OVER w FROM t WINDOW w AS (PARTITION BY k)", "postgres")
    assert stmt.clauses.window is None
    assert "WINDOW w AS" in stmt.expression.sql()


def test_system_columns_parse() -> None:
    stmt = one("SELECT _TIMESTAMP, _offset, _PARTITION, _event_time, _WINDOW_START, _window_end FROM t")
    assert [e.name for e in stmt.expression.expressions] == [
        "_TIMESTAMP",
        "_offset",
        "_PARTITION",
        "_event_time",
        "_WINDOW_START",
        "_window_end",
    ]


def test_trailing_quoted_with_after_source_is_statement_level() -> None:
    stmt = one("SELECT a FROM trades WITH ('partitioning_strategy' = 'hash')")
    assert stmt.clauses.properties == {"partitioning_strategy": "hash"}


def test_trailing_bare_with_after_source_is_source_level() -> None:
    stmt = one("SELECT a FROM trades WITH (type = 'kafka_source')")
    assert stmt.clauses.properties == {"trades.type": "kafka_source"}
