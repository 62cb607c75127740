"""The sample queries are golden fixtures: each header states what the trees must pick.

Headers: ``-- title:``, ``-- dialect:``, optional ``-- source-key:`` (repeatable), ``-- expect-strategy:``
(seed tree) and optional ``-- expect-extended:`` / ``-- expect-velostream:``. In a multi-statement
file the expectations are about the last statement.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from core.decide import analyze
from core.sql import parse_script

SAMPLES = Path(__file__).resolve().parents[1] / "sample_queries"
FILES = sorted(SAMPLES.glob("*.sql"))
DIALECTS = ("velostream", "ksqldb", "flink", "spark", "risingwave")
_HEADER = re.compile(r"^--\s*([a-z][a-z-]*):\s*(.+?)\s*$")


def headers(path: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _HEADER.match(line)
        if match:
            found.setdefault(match.group(1), []).append(match.group(2))
    return found


def _pick(path: Path, tree: str) -> str:
    h = headers(path)
    result = analyze(path.read_text(encoding="utf-8"), dialect=h["dialect"][0], tree=tree,
                     source_keys=h.get("source-key", []))
    return result.statements[-1].decision.strategy


def test_there_are_enough_samples_in_every_dialect() -> None:
    assert len(FILES) >= 24
    by_dialect = {d: [f for f in FILES if headers(f)["dialect"][0] == d] for d in DIALECTS}
    assert all(by_dialect.values()), {d: len(v) for d, v in by_dialect.items()}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_headers_are_complete(path: Path) -> None:
    h = headers(path)
    assert h.get("title") and h.get("dialect") and h.get("expect-strategy"), h
    assert h["dialect"][0] in DIALECTS


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_sample_parses_into_statements_that_cover_their_text(path: Path) -> None:
    sql = path.read_text(encoding="utf-8")
    statements = parse_script(sql, headers(path)["dialect"][0])
    assert statements
    for stmt in statements:
        assert stmt.sql and sql[stmt.start : stmt.end] == stmt.sql


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_seed_tree_picks_the_expected_strategy(path: Path) -> None:
    assert _pick(path, "seed") == headers(path)["expect-strategy"][0]


@pytest.mark.parametrize("path", [f for f in FILES if "expect-extended" in headers(f)], ids=lambda p: p.stem)
def test_extended_tree_picks_the_expected_strategy(path: Path) -> None:
    assert _pick(path, "extended") == headers(path)["expect-extended"][0]


@pytest.mark.parametrize("path", [f for f in FILES if "expect-velostream" in headers(f)],
                         ids=lambda p: p.stem)
def test_velostream_tree_picks_the_expected_strategy(path: Path) -> None:
    assert _pick(path, "velostream") == headers(path)["expect-velostream"][0]


@pytest.mark.parametrize("tree", ["seed", "extended", "velostream"])
def test_the_samples_reach_every_leaf_of_every_preset(tree: str) -> None:
    from core.decide.tree_schema import Leaf, Question
    from core.decide.trees import preset

    reached: set[tuple[str, ...]] = set()
    for path in FILES:
        h = headers(path)
        result = analyze(path.read_text(encoding="utf-8"), dialect=h["dialect"][0], tree=tree,
                         source_keys=h.get("source-key", []))
        for statement in result.statements:
            if statement.decision.decided_by == "tree":
                # The correctness guard's step is not a tree node: the leaf is the last node's branch.
                reached.add(tuple(f"{s.node}={s.answer}" for s in statement.decision.path
                                  if s.node != "correctness_guard"))
    leaves_reached = set()
    nodes = preset(tree).nodes
    for path_taken in reached:
        node_id, answer = path_taken[-1].split("=")
        node = nodes[node_id]
        assert isinstance(node, Question)
        leaves_reached.add(node.branch({"yes": True, "no": False}.get(answer)))
    leaves = {n.id for n in nodes.values() if isinstance(n, Leaf)}
    assert leaves <= leaves_reached, sorted(leaves - leaves_reached)


def test_the_multi_statement_pipeline_infers_alignment_from_primary_key() -> None:
    path = SAMPLES / "velostream_trading_pipeline_primary_key.sql"
    result = analyze(path.read_text(encoding="utf-8"))
    last = result.statements[-1]
    assert last.decision.aligned is True
    assert last.decision.routing_keys == ("symbol",)
    assert "written by an earlier statement" in last.decision.path[-1].reason


# --- golden expected JSON: the whole analyze contract, one file beside each sample ----------------
# Regenerate after a deliberate change with PARTITION_LAB_UPDATE_GOLDEN=1, then read the diff.

def _analysis_json(path: Path) -> dict[str, object]:
    h = headers(path)
    result = analyze(path.read_text(encoding="utf-8"), dialect=h["dialect"][0],
                     source_keys=h.get("source-key", []))
    return json.loads(json.dumps(result.to_dict()))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_analysis_matches_the_golden_json_beside_the_sample(path: Path) -> None:
    golden = path.with_suffix(".expected.json")
    got = _analysis_json(path)
    if os.environ.get("PARTITION_LAB_UPDATE_GOLDEN") == "1":
        golden.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert golden.is_file(), f"{golden.name} is missing: run with PARTITION_LAB_UPDATE_GOLDEN=1"
    assert got == json.loads(golden.read_text(encoding="utf-8"))
