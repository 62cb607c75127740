"""Errors are SqlSyntaxError, phrased for SQL users, positioned at the start of the offending text."""

from __future__ import annotations

import logging

import pytest

from core.errors import SqlSyntaxError
from core.sql import parse_script


def error_of(sql: str, dialect: str = "velostream") -> SqlSyntaxError:
    with pytest.raises(SqlSyntaxError) as info:
        parse_script(sql, dialect)
    return info.value


@pytest.mark.parametrize("sql", ["", "   \n\t", "-- nothing here\n/* nor here */", ";;"])
def test_nothing_to_analyze(sql: str) -> None:
    err = error_of(sql)
    assert (err.message, err.line, err.col) == ("nothing to analyze: the input has no SQL statement", 1, 1)


@pytest.mark.parametrize(
    ("sql", "message", "line", "col"),
    [
        (
            "SELECT a FROM t\nWINDOW SLIDING(10m)",
            "SLIDING needs a size and an advance, e.g. SLIDING(10m, 1m)",
            2,
            8,
        ),
        ("SELECT a FROM t WINDOW SLIDING(1m, 2m, 3m)", "SLIDING needs a size and an advance", 1, 24),
        ("SELECT a FROM t WINDOW TUMBLING()", "TUMBLING needs one duration", 1, 24),
        ("SELECT a FROM t WINDOW TUMBLING(1m, 2m)", "TUMBLING needs one duration", 1, 24),
        ("SELECT a FROM t WINDOW SESSION(a, b, c, 1m)", "SESSION needs a gap", 1, 24),
        (
            "SELECT a FROM t WINDOW TUMBLE(1m)",
            "unknown window type 'TUMBLE', expected TUMBLING, SLIDING or SESSION",
            1,
            24,
        ),
        ("SELECT a FROM t WINDOW", "WINDOW needs a window", 1, 22),
        ("SELECT a FROM t WINDOW TUMBLING(5 parsecs)", "cannot read '5 parsecs' as a duration", 1, 33),
        ("SELECT a FROM t FOO BAR", "unexpected text 'BAR' after the end of the statement", 1, 21),
        (
            "SELECT a FROM t GROUP BY a WINDOW TUMBLING(1m)\n  junk here",
            "unexpected text 'junk' after the end of the statement",
            2,
            3,
        ),
        ("SELECT a FROM t WHERE x = 'abc", "unterminated string", 1, 27),
        ("SELECT a /* open", "unterminated comment", 1, 10),
        # Declarations alone are read into the catalog; with no query there is nothing to analyze.
        ("CREATE STREAM s", "only declarations and settings, no query", 1, 1),
        ("CREATE STREAM s (a INT) WITH (KAFKA_TOPIC='x')", "only declarations and settings, no query", 1, 1),
        ("CREATE STREAM s AS", "needs a query after AS", 1, 18),
        ("CREATE TABLE t (a INT) PARTITIONED", "unexpected 'PARTITIONED' in CREATE TABLE t", 1, 24),
        ("SHOW STREAMS", "the input has only statements, no query", 1, 1),
        ("SELECT 1;\nFROBNICATE STREAM s", "statements starting with 'FROBNICATE' are not analysed", 2, 1),
        ("SELECT a FROM t EMIT SOMETIMES", "EMIT needs CHANGES or FINAL", 1, 22),
        ("SELECT a FROM\n   WHERE b", "expected table name but got 'WHERE'", 2, 4),
        ("SELECT a, FROM t", "a ',' here expects another item before 'FROM'", 1, 9),
        ("SELECT a FROM t WITH (oops)", "expected 'key' = 'value'", 1, 23),
        ("SELECT a OVER (ROWS WINDOW BUFFER x ROWS) FROM t", "ROWS WINDOW BUFFER needs a row count", 1, 35),
        ("SELECT a FROM t JOIN u ON t.k = u.k WITHIN soon", "WITHIN needs a duration", 1, 44),
        ("SELECT a FROM t INTO", "INTO needs a target name", 1, 20),
        ("SELECT (a FROM t", "this '(' is never closed", 1, 8),
        (
            "SELECT * FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts)))",
            "TUMBLE needs a table, a time column",
            1,
            21,
        ),
    ],
)
def test_error_messages_and_positions(sql: str, message: str, line: int, col: int) -> None:
    err = error_of(sql, "flink" if "DESCRIPTOR" in sql else "velostream")
    assert message in err.message
    assert (err.line, err.col) == (line, col)


def test_ksqldb_unknown_window() -> None:
    err = error_of("SELECT a FROM t WINDOW SLIDE (SIZE 1 MINUTE) GROUP BY a", "ksqldb")
    assert err.message == "unknown window type 'SLIDE', expected TUMBLING, HOPPING or SESSION"


def test_command_fallback_is_an_error_without_log_noise(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        err = error_of("SELECT 1; FROBNICATE TABLES")
    assert (err.line, err.col) == (1, 11)
    assert not [r for r in caplog.records if "Command" in r.getMessage()]


def test_error_in_second_statement_points_into_the_whole_script() -> None:
    err = error_of("SELECT a FROM t;\n\nSELECT b FROM u WINDOW SLIDING(5m)")
    assert (err.line, err.col) == (3, 24)


def test_error_str_and_dict() -> None:
    err = error_of("SELECT a FROM t FOO BAR")
    assert str(err) == "line 1, col 21: unexpected text 'BAR' after the end of the statement"
    assert err.to_dict() == {"message": err.message, "line": 1, "col": 21}


def test_unmatched_close_paren() -> None:
    err = error_of("SELECT a) FROM t")
    assert (err.message, err.col) == ("this ')' has no matching '('", 9)


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT a FROM t GROUP BY", "GROUP BY needs at least one column"),
        ("SELECT a FROM t GROUP BY WINDOW TUMBLING(1m)", "GROUP BY needs at least one column"),
        ("SELECT a FROM t JOIN u ON", "ON needs a join condition"),
        ("SELECT a FROM t JOIN u ON WHERE a > 1", "ON needs a join condition"),
        ("SELECT a FROM t WHERE GROUP BY a", "WHERE needs a condition"),
    ],
)
def test_empty_clauses_are_errors_not_dropped(sql: str, message: str) -> None:
    assert message in error_of(sql).message


def test_hint_when_the_leading_keyword_is_missing() -> None:
    assert error_of("SELECT a FROM t GROUP BY a TUMBLING(1m)").message.endswith(
        "did you mean WINDOW TUMBLING(...)?"
    )
    assert error_of("SELECT a FROM t x CHANGES").message.endswith("did you mean EMIT CHANGES?")
