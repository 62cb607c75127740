"""analyze(): the JSON contract, overrides and their precedence, warnings, the text report."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.decide import AnalysisResult, analyze, analyze_profiles, compare_presets, format_report
from core.errors import (
    InvalidConfigError,
    PartitionLabError,
    SqlSyntaxError,
    TreeFileError,
    UnknownStrategyError,
)
from core.model.profile import Aggregate, QueryProfile
from core.strategies.names import ALIASES, STRATEGY_NAMES

GROUPED = "SELECT symbol, COUNT(*) AS n FROM trades GROUP BY symbol WINDOW TUMBLING(1m) EMIT CHANGES;"
PLAIN = "SELECT symbol, price FROM trades WHERE price > 10;"
CONTRACT_KEYS = [
    "index", "line", "name", "kind", "sources", "sink", "group_by", "order_by", "window", "analytic", "joins",
    "aggregates", "global_aggregate", "distinct", "limit", "emit", "annotations", "aligned", "strategy",
    "routing_keys", "decided_by", "path", "warnings", "plan",
]
CATALOG_KEYS = ["columns", "key", "primary_key", "partitions", "partitioner", "source"]


def only(result: AnalysisResult):  # type: ignore[no-untyped-def]
    assert len(result.statements) == 1
    return result.statements[0].decision


def test_to_dict_is_exactly_the_json_contract() -> None:
    out = analyze(GROUPED, source_keys=["trades=symbol"]).to_dict()
    assert list(out) == ["settings", "catalog", "statements"]
    statement = out["statements"][0]  # type: ignore[index]
    assert list(statement) == CONTRACT_KEYS
    entry = out["catalog"]["trades"]  # type: ignore[index]
    assert list(entry)[:len(CATALOG_KEYS)] == CATALOG_KEYS and entry["source"] == "caller"
    plan = statement["plan"]
    assert list(plan) == ["engine", "operators", "exchanges"] and plan["engine"] == "velostream"
    assert all(list(op) == ["id", "kind", "inputs", "keys", "detail"] for op in plan["operators"])
    assert all(list(e) == ["from", "to", "kind", "keys", "strategy", "reason"] for e in plan["exchanges"])
    assert [(e["kind"], e["keys"]) for e in plan["exchanges"]] == [("hash", ["symbol"])]
    assert statement["strategy"] == "smart_repartition" and statement["aligned"] is True
    assert statement["routing_keys"] == ["symbol"] and statement["decided_by"] == "tree"
    assert all(list(step) == ["node", "question", "answer", "reason"] for step in statement["path"])
    json.dumps(out)  # serializable as is


def test_aligned_is_null_without_group_by_under_seed() -> None:
    assert only(analyze(PLAIN)).aligned is None
    assert only(analyze(GROUPED)).aligned is None
    assert only(analyze(GROUPED, source_keys=["account"])).aligned is False


def test_multi_statement_file_gives_one_entry_per_statement() -> None:
    sql = "CREATE STREAM s AS SELECT symbol PRIMARY KEY, price FROM trades EMIT CHANGES;\n" + \
          "SELECT symbol, COUNT(*) FROM s GROUP BY symbol EMIT CHANGES;"
    result = analyze(sql)
    assert [s.profile.index for s in result.statements] == [0, 1]
    assert result.statements[1].decision.strategy == "smart_repartition"


# --- overrides ----------------------------------------------------------------------------------

def _sql(annotation: str | None, with_value: str | None) -> str:
    head = f"-- @partitioning_strategy: {annotation}\n" if annotation else ""
    tail = f" WITH ('partitioning_strategy' = '{with_value}')" if with_value else ""
    return f"{head}SELECT symbol, COUNT(*) FROM trades GROUP BY symbol EMIT CHANGES{tail};"


NAMES = st.sampled_from(STRATEGY_NAMES)


@settings(max_examples=60, deadline=None)
@given(st.none() | NAMES, st.none() | NAMES, st.none() | NAMES)
def test_override_precedence_caller_annotation_with_tree(caller: str | None, annotation: str | None,
                                                         with_value: str | None) -> None:
    d = only(analyze(_sql(annotation, with_value), strategy=caller))
    expected = next(((who, name) for who, name in (("caller", caller), ("annotation", annotation),
                                                    ("with", with_value)) if name), ("tree", "always_hash"))
    assert (d.decided_by, d.strategy) == expected
    if d.decided_by != "tree":
        assert d.path[-1].node == "override" and d.path[-1].answer == "yes"


SPELLINGS = st.sampled_from([(n, s) for n in STRATEGY_NAMES for s in (n, *ALIASES[n])])


@settings(max_examples=60, deadline=None)
@given(SPELLINGS, st.lists(st.booleans(), min_size=20, max_size=20))
def test_any_name_or_alias_in_any_case_round_trips(pair: tuple[str, str], upper: list[bool]) -> None:
    name, spelling = pair
    written = "".join(c.upper() if u else c.lower() for c, u in zip(spelling, upper, strict=False))
    assert only(analyze(GROUPED, strategy=written)).strategy == name
    assert only(analyze(_sql(written, None))).strategy == name


def test_unknown_strategy_names_list_the_valid_ones() -> None:
    with pytest.raises(UnknownStrategyError, match="always_hash"):
        analyze(GROUPED, strategy="quantum")
    with pytest.raises(UnknownStrategyError, match="line 1.*always_hash"):
        analyze(_sql("quantum", None))


def test_an_unknown_name_below_a_winning_override_only_warns() -> None:
    d = only(analyze(_sql("quantum", None), strategy="hash"))
    assert d.strategy == "always_hash" and any("quantum" in w for w in d.warnings)


def test_auto_select_off_needs_a_named_strategy() -> None:
    with pytest.raises(InvalidConfigError, match="--strategy"):
        analyze(GROUPED, auto_select=False)
    d = only(analyze(_sql("sticky", None), auto_select=False))
    assert (d.decided_by, d.strategy) == ("annotation", "sticky_partition")
    assert [s.node for s in d.path] == ["override"]


def test_a_refused_override_still_runs_and_says_what_breaks() -> None:
    d = only(analyze(GROUPED, strategy="round_robin"))
    assert d.strategy == "round_robin"
    assert any("refuses" in w and "partial aggregates" in w for w in d.warnings)


def test_forced_hash_routes_on_the_natural_keys() -> None:
    d = only(analyze("SELECT DISTINCT device, site FROM readings;", strategy="hash"))
    assert d.routing_keys == ("device", "site")
    d = only(analyze(PLAIN, strategy="hash"))
    assert d.routing_keys == () and any("needs routing keys" in w for w in d.warnings)


@pytest.mark.parametrize(
    ("annotation", "warns"),
    [("hash", False), ("fanin", False), ("always_hash", True), ("Hash", True), ("round_robin", True)],
)
def test_warns_when_the_engine_would_ignore_the_annotation_spelling(annotation: str, warns: bool) -> None:
    d = only(analyze(_sql(annotation, None)))
    assert any("engine" in w and "ignore" in w for w in d.warnings) is warns


def test_warns_when_the_engine_would_ignore_the_annotation_key_case() -> None:
    sql = "-- @Partitioning_Strategy: hash\n" + GROUPED
    d = only(analyze(sql))
    assert d.decided_by == "annotation"
    assert any("@Partitioning_Strategy" in w for w in d.warnings)


# --- correctness warnings -----------------------------------------------------------------------

def _partial(d: object) -> bool:
    return any("wrong or partial results" in w for w in d.warnings)  # type: ignore[attr-defined]


def test_correctness_warnings_follow_co_location() -> None:
    assert not _partial(only(analyze(GROUPED)))  # hash on the grouping keys is correct
    assert _partial(only(analyze(GROUPED, strategy="round_robin")))
    assert _partial(only(analyze(GROUPED, strategy="sticky", source_keys=["account"])))
    assert not _partial(only(analyze(GROUPED, strategy="sticky", source_keys=["symbol"])))
    unknown = only(analyze(GROUPED, strategy="sticky"))
    assert any("correct only if" in w for w in unknown.warnings)
    assert not _partial(only(analyze(GROUPED, strategy="fan_in")))
    total = "SELECT COUNT(*) FROM trades;"
    assert _partial(only(analyze(total, tree="seed")))  # seed: round robin on a global aggregate
    assert not _partial(only(analyze(total)))  # the default (extended) tree fans in


def test_velostream_csas_with_unaligned_group_by_warns_partial_groups() -> None:
    sql = "CREATE STREAM c AS SELECT symbol, COUNT(*) FROM trades GROUP BY symbol EMIT CHANGES;"
    d = only(analyze(sql, tree="velostream", source_keys=["account"]))
    assert d.strategy == "sticky_partition" and _partial(d)


def test_group_by_an_expression_warns_everything_goes_to_one_worker_under_velostream() -> None:
    sql = "SELECT FLOOR(price) AS b, COUNT(*) FROM trades GROUP BY FLOOR(price) EMIT CHANGES;"
    d = only(analyze(sql, tree="velostream"))
    assert d.routing_keys == () and any("one worker" in w for w in d.warnings)


# --- presets, report, options -------------------------------------------------------------------

def test_extended_says_where_it_disagrees_with_seed() -> None:
    d = only(analyze("SELECT COUNT(*) FROM trades;", tree="extended"))
    assert d.strategy == "fan_in"
    assert any(w.startswith("the seed design picks round_robin where the extended tree picks fan_in: wrong "
                            "here because round_robin deals records out in turn") for w in d.warnings)
    assert any("two-phase" in w for w in d.warnings)


def test_compare_presets_and_the_report() -> None:
    count = Aggregate("COUNT", None, "COUNT(*)")
    p = QueryProfile(index=0, kind="select", sources=("t",), aggregates=(count,), global_aggregate=True)
    picks = compare_presets(p)
    assert {k: v.strategy for k, v in picks.items()} == {
        "seed": "round_robin", "extended": "fan_in", "velostream": "sticky_partition"}
    text = format_report(analyze_profiles([p], tree="seed"))
    assert "Statement 1" in text and "✘ has_group_by" in text and "Strategy: round_robin" in text
    assert "Other presets: extended → fan_in; velostream → sticky_partition" in text
    assert "Warnings:" in text
    text = format_report(analyze(GROUPED, source_keys=["symbol"]))
    assert "✔ source_aligned" in text and "Routing keys: symbol" in text and "groups by symbol" in text


@pytest.mark.parametrize(
    ("kwargs", "error", "says"),
    [
        ({"source_keys": ["trades="]}, InvalidConfigError, "[SOURCE=]COL"),
        ({"source_partitions": 0}, InvalidConfigError, "source partitions must be an integer in 1..100,000"),
        ({"tree": "oak"}, TreeFileError, "unknown tree 'oak'"),
        ({"dialect": "cobol"}, InvalidConfigError, "unknown dialect"),
    ],
)
def test_bad_options_raise_project_errors(kwargs: dict[str, object], error: type[Exception],
                                          says: str) -> None:
    with pytest.raises(error) as err:
        analyze(GROUPED, **kwargs)  # type: ignore[arg-type]
    assert type(err.value) is error and isinstance(err.value, PartitionLabError)
    assert says in str(err.value), str(err.value)


def test_a_bare_string_source_key_is_one_key_not_its_characters() -> None:
    assert only(analyze(GROUPED, source_keys="symbol")).aligned is True  # type: ignore[arg-type]


@pytest.mark.parametrize("sql", ["", "   \n", "-- just a comment\n"])
def test_empty_input_is_a_positioned_error(sql: str) -> None:
    with pytest.raises(SqlSyntaxError):
        analyze(sql)
