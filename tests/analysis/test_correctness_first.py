"""The default tree is correctness first: it never headlines a strategy its own checks call wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.analysis import analyze
from core.analysis.correctness import broken_needs
from core.analysis.tree_schema import parse_tree
from core.errors import TreeFileError

GROUPED = "SELECT symbol, COUNT(*) FROM trades GROUP BY symbol EMIT CHANGES;"


def _always(strategy: str, guard: bool) -> object:
    return parse_tree({"name": "always", "correctness_first": guard,
                       "nodes": [{"id": "leaf", "strategy": strategy}]}, "test", "always")


def test_a_guarded_tree_replaces_a_wrong_leaf_by_fan_in_and_says_why() -> None:
    d = analyze(GROUPED, tree=_always("round_robin", True)).statements[0].decision  # type: ignore[arg-type]
    assert d.strategy == "fan_in" and d.routing_keys == ()
    assert d.path[-1].node == "correctness_guard" and d.path[-1].answer == "no"
    assert "round_robin would break GROUP BY symbol" in d.path[-1].reason
    assert any(w.startswith("fan_in instead of round_robin") for w in d.warnings)


def test_an_unguarded_tree_keeps_its_pick_and_warns() -> None:
    d = analyze(GROUPED, tree=_always("round_robin", False)).statements[0].decision  # type: ignore[arg-type]
    assert d.strategy == "round_robin"
    assert any("wrong or partial results" in w for w in d.warnings)


def test_an_override_that_breaks_correctness_still_runs_with_the_warning() -> None:
    d = analyze(GROUPED, strategy="round_robin").statements[0].decision
    assert d.strategy == "round_robin" and d.decided_by == "caller"
    assert any("wrong or partial results" in w for w in d.warnings)


def test_the_flag_must_be_a_boolean() -> None:
    with pytest.raises(TreeFileError, match="correctness_first"):
        parse_tree({"correctness_first": "yes", "nodes": [{"id": "a", "strategy": "fan_in"}]}, "t", "t")


SAMPLES = sorted((Path(__file__).resolve().parents[2] / "sample_queries").glob("*.sql"))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_the_default_tree_never_picks_a_wrong_strategy_on_a_sample(path: Path) -> None:
    import re

    text = path.read_text(encoding="utf-8")
    dialect = re.search(r"^-- dialect: (\S+)", text, re.M)
    keys = re.findall(r"^-- source-key: (\S+)", text, re.M)
    result = analyze(text, dialect=dialect.group(1) if dialect else "velostream", source_keys=keys)
    for statement, sources in zip(result.statements, result.sources, strict=True):
        d = statement.decision
        if d.decided_by == "tree":
            assert not broken_needs(statement.profile, d.strategy, d.routing_keys, sources), path.name


_CLAUSES = st.fixed_dictionaries({
    "group": st.sampled_from(["", "GROUP BY symbol", "GROUP BY symbol, venue"]),
    "agg": st.sampled_from(["symbol", "COUNT(*)", "symbol, COUNT(*)"]),
    "distinct": st.booleans(),
    "order": st.sampled_from(["", "ORDER BY price"]),
    "limit": st.sampled_from(["", "LIMIT 5"]),
    "over": st.sampled_from(["", ", AVG(price) OVER (PARTITION BY symbol ORDER BY ts)",
                             ", RANK() OVER (ORDER BY price)"]),
})


@settings(max_examples=60, deadline=None)
@given(_CLAUSES, st.sampled_from(["", "symbol", "venue"]))
def test_generated_statements_never_get_a_wrong_default_pick(c: dict[str, object], key: str) -> None:
    select = f"SELECT {'DISTINCT ' if c['distinct'] else ''}{c['agg']}{c['over']} FROM trades"
    sql = " ".join(str(x) for x in (select, c["group"], c["order"], c["limit"]) if x) + ";"
    result = analyze(sql, source_keys=[key] if key else [])
    statement, sources = result.statements[0], result.sources[0]
    d = statement.decision
    assert not broken_needs(statement.profile, d.strategy, d.routing_keys, sources), sql
