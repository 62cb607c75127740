"""Invariants: the pre-pass only removes whole lifted clauses; every error points inside the input."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import SqlSyntaxError
from core.sql.dialects import resolve_dialect, tokenize
from core.sql.parser import parse_script
from core.sql.prepass import prepass
from core.sql.text import SourceText
from core.sql.window_limits import MAX_WINDOWS_PER_RECORD

_NAMES = st.sampled_from(["a", "b", "user_id", "ts", "_PARTITION", '"Odd Name"', "t.k", "window_start"])
_DURATIONS = st.sampled_from(["1m", "30s", "500ms", "10", "INTERVAL '5' MINUTE", "2h"])
_NOISE = st.sampled_from(
    [
        "'WINDOW TUMBLING(1m)'",
        "'a;b'",
        "/* EMIT CHANGES; */",
        "-- WITHIN 1h\n",
        "'EMIT FINAL'",
        "\n",
        "x",
    ]
)


@st.composite
def velostream_statements(draw: st.DrawFn) -> str:
    cols = draw(st.lists(_NAMES, min_size=1, max_size=3))
    items = [c + (" PRIMARY KEY" if draw(st.booleans()) else "") for c in cols]
    items.append(
        draw(st.sampled_from(["COUNT(*)", "SUM(b)", "LAG(a) OVER (ROWS WINDOW BUFFER 5 ROWS)", "1"]))
    )
    items.append(draw(_NOISE.filter(lambda n: n.startswith("'"))))
    sql = "SELECT " + ", ".join(items) + " FROM src s"
    if draw(st.booleans()):
        sql += " WITH (type = 'kafka_source')"
    if draw(st.booleans()):
        sql += f" JOIN other o ON s.k = o.k WITHIN {draw(_DURATIONS)}"
    sql += " " + draw(_NOISE)
    if draw(st.booleans()):
        sql += " GROUP BY " + ", ".join(cols)
    window = draw(
        st.sampled_from(["", "TUMBLING({d})", "SLIDING({d}, {d})", "SESSION(ts, {d})", "SLIDING({d})"])
    )
    if window:
        sql += " WINDOW " + window.format(d=draw(_DURATIONS))
    sql += draw(st.sampled_from(["", " EMIT CHANGES", " EMIT FINAL"]))
    if draw(st.booleans()):
        sql += " INTO sink WITH ('partitioning_strategy' = 'hash')"
    return sql


def _check_position(err: SqlSyntaxError, sql: str) -> None:
    lines = sql.split("\n")
    assert 1 <= err.line <= len(lines)
    assert 1 <= err.col <= max(len(lines[err.line - 1]), 1)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(velostream_statements(), min_size=1, max_size=3).map(";\n".join))
def test_prepass_only_removes_lifted_spans(sql: str) -> None:
    source = SourceText(sql)
    tokens = tokenize(resolve_dialect("velostream"), source)
    try:
        result = prepass(list(tokens), source)
    except SqlSyntaxError as err:
        _check_position(err, sql)
        return
    spans = sorted(result.clauses.spans, key=lambda s: s.start)
    for before, after in zip(spans, spans[1:], strict=False):
        assert before.end <= after.start  # lifted spans never overlap
    inside = [any(s.start <= t.start and t.end < s.end for s in spans) for t in tokens]
    expected = [(t.start, t.end, t.text) for t, lifted in zip(tokens, inside, strict=True) if not lifted]
    kept = sorted((t.start, t.end, t.text) for t in result.tokens)
    assert kept == expected  # every other token kept, with its original text and offsets
    for tok in result.tokens:
        assert (
            sql[tok.start : tok.end + 1].strip("\"'`") == tok.text or tok.text in sql[tok.start : tok.end + 1]
        )
    for span in spans:  # spans begin and end on token boundaries
        assert span.start in {t.start for t in tokens} and span.end - 1 in {t.end for t in tokens}


@settings(max_examples=150, deadline=None)
@given(st.lists(velostream_statements(), min_size=1, max_size=3).map(";\n".join))
def test_generated_statements_parse_or_fail_inside_the_input(sql: str) -> None:
    try:
        parse_script(sql)
    except SqlSyntaxError as err:
        _check_position(err, sql)


_FRAGMENTS = st.sampled_from(
    [
        "SELECT",
        "FROM",
        "WHERE",
        "GROUP BY",
        "WINDOW",
        "TUMBLING",
        "SLIDING",
        "SESSION",
        "HOPPING",
        "EMIT",
        "CHANGES",
        "(",
        ")",
        ",",
        ";",
        "a",
        "t",
        "1m",
        "'x'",
        "'",
        '"',
        "--",
        "\n",
        "/*",
        "*/",
        "INTO",
        "WITH",
        "=",
        "PRIMARY KEY",
        "JOIN",
        "ON",
        "WITHIN",
        "ROWS",
        "BUFFER",
        "OVER",
        "CREATE",
        "STREAM",
        "AS",
        "TABLE",
        "TUMBLE",
        "DESCRIPTOR",
        "INTERVAL",
        "PARTITION BY",
        "EXPIRE AFTER",
        "*",
        "+",
        ".",
    ]
)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(_FRAGMENTS, max_size=25).map(" ".join),
    st.sampled_from(["velostream", "ksqldb", "flink", "spark", "risingwave"]),
)
def test_errors_always_point_inside_the_input(sql: str, dialect: str) -> None:
    try:
        parse_script(sql, dialect)
    except SqlSyntaxError as err:
        _check_position(err, sql)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="SELCTFROMWINDG ()',;\n-*/\"`1m", max_size=40))
def test_arbitrary_text_gives_sql_errors_only(sql: str) -> None:
    try:
        parse_script(sql)
    except SqlSyntaxError as err:
        _check_position(err, sql)


_MS = {
    "1m": 60_000,
    "30s": 30_000,
    "500ms": 500,
    "10": 10_000,
    "INTERVAL '5' MINUTE": 300_000,
    "2h": 7_200_000,
}


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(["TUMBLING", "SLIDING", "SESSION"]),
    st.lists(st.sampled_from(sorted(_MS)), min_size=2, max_size=2),
    st.booleans(),
    st.permutations(["GROUP BY a", "HAVING COUNT(*) > 1", "LIMIT 5", "EMIT CHANGES", "WINDOW {w}"]),
)
def test_decoded_window_matches_what_was_written(
    kind: str, durations: list[str], with_time: bool, clauses: list[str]
) -> None:
    args = durations if kind == "SLIDING" else durations[:1]
    spec = f"{kind}({'ts, ' if with_time else ''}{', '.join(args)})"
    sql = "CREATE STREAM s AS SELECT a, COUNT(*) FROM t WHERE b > 0 " + " ".join(clauses).format(w=spec)
    if kind == "SLIDING" and -(-_MS[args[0]] // _MS[args[1]]) > MAX_WINDOWS_PER_RECORD:
        with pytest.raises(SqlSyntaxError, match="windows; the limit is 10,000"):
            parse_script(sql)
        return
    (stmt,) = parse_script(sql)
    window = stmt.clauses.window
    assert window is not None
    assert window.time_column == ("ts" if with_time else None)
    if kind == "SESSION":
        assert window.gap_ms == _MS[args[0]]
    else:
        assert window.size_ms == _MS[args[0]]
        assert window.advance_ms == (_MS[args[1]] if kind == "SLIDING" else None)
    assert (
        stmt.expression.sql()
        == "SELECT a, COUNT(*) FROM t WHERE b > 0 GROUP BY a HAVING COUNT(*) > 1 LIMIT 5"
    )
    assert stmt.clauses.emit == "changes"
