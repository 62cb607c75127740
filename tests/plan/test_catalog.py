"""The catalog merges DDL, caller, annotation and lineage facts with DESIGN.md's precedence."""

from __future__ import annotations

from core.analysis.alignment import parse_source_key, source_metadata
from core.analysis.extract import extract_profiles
from core.model.catalog import Column, TableDef
from core.plan.catalog import build_catalog, ddl_metas, unknown_key_columns

TRADES = TableDef("Trades", kind="stream", columns=(Column("symbol", "VARCHAR"), Column("price", "DOUBLE")),
                  key=("symbol",), partitions=8, partitioner="murmur2", line=3)
SQL = ("CREATE STREAM by_sym AS SELECT symbol, COUNT(*) AS n FROM trades GROUP BY symbol EMIT CHANGES;\n"
       "SELECT symbol, n FROM by_sym WHERE n > 10;")


def _catalog(caller: list[str] | None = None) -> dict[str, TableDef]:
    profiles = extract_profiles(SQL)
    metas = source_metadata(profiles, [parse_source_key(c) for c in caller or []], None, ddl_metas([TRADES]))
    return build_catalog([TRADES], profiles, metas)


def test_ddl_facts_reach_the_statements_and_the_catalog() -> None:
    profiles = extract_profiles(SQL)
    metas = source_metadata(profiles, [], None, ddl_metas([TRADES]))
    assert metas[0]["trades"].key_columns == ("symbol",) and metas[0]["trades"].origin == "ddl"
    entry = _catalog()["trades"]
    assert entry.name == "Trades" and entry.source == "ddl" and entry.partitions == 8
    assert entry.origins == {"key": "ddl", "partitions": "ddl", "partitioner": "ddl"}


def test_the_caller_outranks_ddl_and_the_json_says_so() -> None:
    entry = _catalog(["trades=price"])["trades"]
    assert entry.key == ("price",) and entry.origins["key"] == "caller"
    assert entry.to_dict()["source"] == "ddl" and entry.to_dict()["key"] == ["price"]


def test_a_sink_written_by_a_statement_is_keyed_by_lineage() -> None:
    entry = _catalog()["by_sym"]
    assert entry.source == "lineage" and entry.key == ("symbol",) and entry.kind == "stream"
    assert [c.name for c in entry.columns] == ["symbol", "n"]


def test_a_caller_key_naming_a_missing_column_warns_with_the_columns() -> None:
    catalog = _catalog()
    [warning] = unknown_key_columns(catalog, [parse_source_key("trades=sym")])
    assert "sym" in warning and "Trades (line 3)" in warning and "symbol, price" in warning
    assert unknown_key_columns(catalog, [parse_source_key("trades=symbol")]) == []
