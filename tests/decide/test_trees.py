"""Decision trees: the presets branch exactly as DESIGN.md says, user trees load or fail by node."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.decide.predicates import PREDICATES
from core.decide.tree_schema import Leaf, Question, Tree
from core.decide.trees import PRESETS, evaluate, load_tree, preset
from core.errors import TreeFileError
from core.model.decision import SourceMeta
from core.model.profile import Aggregate, AnalyticWindow, Join, QueryProfile, TimeWindow
from core.strategies.names import STRATEGY_NAMES

COUNT = Aggregate("COUNT", None, "COUNT(*)")
TUMBLE = TimeWindow("tumbling", 60_000)
KEYED = {"trades": SourceMeta("trades", ("symbol",))}
OTHER_KEY = {"trades": SourceMeta("trades", ("account",))}


def profile(**kw: object) -> QueryProfile:
    kw.setdefault("sources", ("trades",))
    return QueryProfile(index=0, kind=kw.pop("kind", "select"), **kw)  # type: ignore[arg-type]


def nodes(decision: object) -> list[str]:
    return [s.node for s in decision.path]  # type: ignore[attr-defined]


# --- seed ---------------------------------------------------------------------------------------

def test_seed_aligned_group_by_is_smart() -> None:
    d = evaluate(preset("seed"), profile(group_by=("symbol",), aggregates=(COUNT,)), KEYED)
    assert (d.strategy, d.routing_keys, d.aligned) == ("smart_repartition", ("symbol",), True)
    assert nodes(d) == ["has_group_by", "source_aligned"]
    assert [s.answer for s in d.path] == ["yes", "yes"]


def test_seed_misaligned_group_by_is_hash_on_group_keys_without_window_bounds() -> None:
    p = profile(group_by=("symbol", "window_start"), window=TUMBLE)
    d = evaluate(preset("seed"), p, OTHER_KEY)
    assert (d.strategy, d.routing_keys, d.aligned) == ("always_hash", ("symbol",), False)


def test_seed_unknown_alignment_says_how_to_declare_the_source_key() -> None:
    d = evaluate(preset("seed"), profile(group_by=("symbol",)))
    assert d.strategy == "always_hash" and d.aligned is None
    step = d.path[-1]
    assert step.answer == "unknown"
    assert "--source-key" in step.reason and "@partitioned_by" in step.reason


@pytest.mark.parametrize(
    ("kw", "strategy", "last"),
    [
        ({"order_by": ("event_time",)}, "sticky_partition", "has_order_by"),
        ({"window": TUMBLE}, "sticky_partition", "has_window"),
        ({"analytic": (AnalyticWindow("AVG", ("symbol",)),)}, "sticky_partition", "has_window"),
        ({}, "round_robin", "has_window"),
    ],
)
def test_seed_without_group_by(kw: dict[str, object], strategy: str, last: str) -> None:
    d = evaluate(preset("seed"), profile(**kw))
    assert d.strategy == strategy and nodes(d)[-1] == last
    assert d.routing_keys == () and d.aligned is None


# --- extended -----------------------------------------------------------------------------------

JOIN = Join("orders", "customers", (("customer_id", "id"),))
BOTH_KEYED = {"orders": SourceMeta("orders", ("customer_id",)), "customers": SourceMeta("customers", ("id",))}


def test_extended_join_on_aligned_sides_is_smart_on_join_keys() -> None:
    p = profile(sources=("orders", "customers"), joins=(JOIN,))
    d = evaluate(preset("extended"), p, BOTH_KEYED)
    assert (d.strategy, d.routing_keys, d.aligned) == ("smart_repartition", ("customer_id",), True)


def test_extended_join_with_an_unknown_side_hashes_the_join_keys() -> None:
    p = profile(sources=("orders", "customers"), joins=(JOIN,))
    d = evaluate(preset("extended"), p, {"orders": BOTH_KEYED["orders"]})
    assert (d.strategy, d.routing_keys, d.aligned) == ("always_hash", ("customer_id",), None)


def test_extended_join_without_equi_keys_fans_in() -> None:
    p = profile(sources=("a", "b"), joins=(Join("a", "b", ()),))
    d = evaluate(preset("extended"), p)
    assert d.strategy == "fan_in" and d.warnings


@pytest.mark.parametrize(
    ("kw", "sources", "strategy", "keys"),
    [
        ({"analytic": (AnalyticWindow("AVG", ("symbol",)),)}, KEYED, "smart_repartition", ("symbol",)),
        ({"analytic": (AnalyticWindow("AVG", ("symbol", "venue")), AnalyticWindow("MAX", ("symbol",)))},
         OTHER_KEY, "always_hash", ("symbol",)),
        ({"analytic": (AnalyticWindow("RANK", (), ("price",)),)}, {}, "fan_in", ()),
        ({"distinct": True, "distinct_columns": ("device", "site")}, {}, "always_hash", ("device", "site")),
        ({"aggregates": (COUNT,), "global_aggregate": True}, {}, "fan_in", ()),
        ({"order_by": ("amount",), "limit": 10}, {}, "fan_in", ()),
        ({"limit": 100}, {}, "fan_in", ()),
        ({"order_by": ("ts",)}, {}, "sticky_partition", ()),
        ({"window": TUMBLE}, {}, "sticky_partition", ()),
        ({}, {}, "round_robin", ()),
        ({"group_by": ("symbol",)}, KEYED, "smart_repartition", ("symbol",)),
        ({"group_by": ("symbol",)}, {}, "always_hash", ("symbol",)),
    ],
)
def test_extended_branches(kw: dict[str, object], sources: dict[str, SourceMeta], strategy: str,
                           keys: tuple[str, ...]) -> None:
    d = evaluate(preset("extended"), profile(**kw), sources)
    assert (d.strategy, d.routing_keys) == (strategy, keys)


def test_extended_fan_in_for_a_global_aggregate_notes_two_phase() -> None:
    d = evaluate(preset("extended"), profile(aggregates=(COUNT,), global_aggregate=True))
    assert any("two-phase" in w for w in d.warnings)


# --- velostream ---------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["create_stream", "create_table"])
def test_velostream_create_as_select_is_always_sticky(kind: str) -> None:
    d = evaluate(preset("velostream"), profile(kind=kind, group_by=("symbol",), window=TUMBLE), KEYED)
    assert d.strategy == "sticky_partition"
    assert d.aligned is True  # a GROUP BY statement reports alignment even when the tree never asks


def test_velostream_select_with_window_or_group_by_hashes_plain_group_columns_only() -> None:
    d = evaluate(preset("velostream"), profile(group_by=("FLOOR(price / 10)", "symbol")))
    assert (d.strategy, d.routing_keys) == ("always_hash", ("symbol",))
    d = evaluate(preset("velostream"), profile(group_by=("FLOOR(price / 10)",)))
    assert (d.strategy, d.routing_keys) == ("always_hash", ())
    d = evaluate(preset("velostream"), profile(window=TUMBLE))
    assert d.strategy == "always_hash"


def test_velostream_plain_select_is_sticky() -> None:
    assert evaluate(preset("velostream"), profile(order_by=("ts",))).strategy == "sticky_partition"


# --- properties over random statements ----------------------------------------------------------

COLUMNS = st.sampled_from(["symbol", "venue", "trader_id", "window_start", "FLOOR(price)"])
KEYS = st.lists(COLUMNS, max_size=3, unique=True).map(tuple)
WINDOWS = st.none() | st.builds(TimeWindow, st.sampled_from(["tumbling", "hopping", "session"]))
JOINS = st.lists(st.builds(Join, st.just("trades"), st.just("quotes"),
                           st.lists(st.tuples(COLUMNS, COLUMNS), max_size=2).map(tuple)), max_size=2)
PROFILES = st.builds(
    QueryProfile,
    index=st.just(0),
    kind=st.sampled_from(["select", "create_stream", "create_table", "insert"]),
    sources=st.sampled_from([("trades",), ("trades", "quotes"), ()]),
    group_by=KEYS,
    order_by=KEYS,
    window=WINDOWS,
    analytic=st.lists(st.builds(AnalyticWindow, st.sampled_from(["AVG", "RANK"]), KEYS),
                      max_size=2).map(tuple),
    joins=JOINS.map(tuple),
    aggregates=st.lists(st.just(COUNT), max_size=1).map(tuple),
    global_aggregate=st.booleans(),
    distinct=st.booleans(),
    distinct_columns=KEYS,
    limit=st.none() | st.integers(1, 100),
)
METAS = st.dictionaries(st.sampled_from(["trades", "quotes"]),
                        st.builds(SourceMeta, st.none(), KEYS,
                                  producer=st.sampled_from([None, "murmur2", "sticky"])), max_size=2)


@settings(max_examples=300, deadline=None)
@given(PROFILES, METAS, st.sampled_from(PRESETS))
def test_every_preset_ends_in_a_leaf_with_a_path(p: QueryProfile, metas: dict[str, SourceMeta],
                                                 name: str) -> None:
    tree = preset(name)
    d = evaluate(tree, p, metas)
    assert d.strategy in STRATEGY_NAMES and d.path and d.tree == name
    assert all(step.node in tree.nodes and step.answer in ("yes", "no", "unknown") for step in d.path)
    assert all(step.reason and "\n" not in step.reason for step in d.path)
    if d.strategy not in ("always_hash", "smart_repartition"):
        assert d.routing_keys == ()
    if name == "velostream":
        assert d.strategy in ("always_hash", "sticky_partition")
    if not p.group_by and name == "seed":
        assert d.aligned is None


@st.composite
def random_trees(draw: st.DrawFn) -> Tree:
    """A random, well-formed tree: questions over the whole vocabulary, leaves of any strategy."""
    count = draw(st.integers(1, 8))
    predicates = sorted(PREDICATES)
    nodes: dict[str, Question | Leaf] = {}
    leaf_count = 0

    def leaf() -> str:
        nonlocal leaf_count
        leaf_count += 1
        node_id = f"leaf{leaf_count}"
        nodes[node_id] = Leaf(node_id, draw(st.sampled_from(STRATEGY_NAMES)))
        return node_id

    def build(depth: int) -> str:
        if depth >= count or draw(st.booleans()):
            return leaf()
        node_id = f"q{len(nodes)}_{depth}"
        nodes[node_id] = Leaf(node_id, "fan_in")  # placeholder keeps the id unique while recursing
        yes, no = build(depth + 1), build(depth + 1)
        nodes[node_id] = Question(node_id, "?", draw(st.sampled_from(predicates)), yes, no)
        return node_id

    root = build(0)
    return Tree("random", root, nodes)


@settings(max_examples=200, deadline=None)
@given(random_trees(), PROFILES, METAS)
def test_any_well_formed_tree_ends_in_a_leaf(tree: Tree, p: QueryProfile,
                                             metas: dict[str, SourceMeta]) -> None:
    d = evaluate(tree, p, metas)
    assert d.strategy in STRATEGY_NAMES and d.path


# --- user tree files ----------------------------------------------------------------------------

ALWAYS_HASH_TOML = """
name = "hash_groups"
root = "q"
[[nodes]]
id = "q"
question = "Has GROUP BY?"
predicate = "has_group_by"
yes = "h"
no = "s"
[[nodes]]
id = "h"
strategy = "HASH"
[[nodes]]
id = "s"
strategy = "sticky"
"""


def test_user_tree_from_toml_and_json(tmp_path: Path) -> None:
    toml_file = tmp_path / "mine.toml"
    toml_file.write_text(ALWAYS_HASH_TOML, encoding="utf-8")
    tree = load_tree(toml_file)
    assert tree.name == "hash_groups"
    d = evaluate(tree, profile(group_by=("symbol",)))
    assert (d.strategy, d.routing_keys, d.tree) == ("always_hash", ("symbol",), "hash_groups")
    json_file = tmp_path / "mine.json"
    json_file.write_text(json.dumps({"root": "only", "nodes": [{"id": "only", "strategy": "fanin"}]}))
    tree = load_tree(str(json_file))
    assert tree.name == "mine"
    d = evaluate(tree, profile())
    assert d.strategy == "fan_in" and len(d.path) == 1


def test_presets_by_name_any_case_and_tree_objects_pass_through() -> None:
    assert load_tree("Extended") is preset("extended")
    assert load_tree(preset("seed")) is preset("seed")


BROKEN = [
    ({"nodes": [{"id": "a", "question": "?", "predicate": "nope", "yes": "a", "no": "a"}]},
     "'a'", "predicate"),
    ({"nodes": [{"id": "a", "question": "?", "predicate": "has_group_by", "yes": "b", "no": "c"},
                {"id": "b", "strategy": "sticky"}]}, "'a'", "'c'"),
    ({"nodes": [{"id": "a", "question": "?", "predicate": "has_group_by", "yes": "a", "no": "b"},
                {"id": "b", "strategy": "sticky"}]}, "'a'", "cycle"),
    ({"nodes": [{"id": "a", "strategy": "warp_speed"}]}, "'a'", "unknown strategy"),
    ({"nodes": [{"id": "a", "strategy": "hash", "keys": "everything"}]}, "'a'", "keys"),
    ({"nodes": [{"id": "a", "strategy": "hash"}, {"id": "a", "strategy": "sticky"}]}, "'a'", "twice"),
    ({"nodes": [{"id": "a", "strategy": "hash"}, {"id": "z", "strategy": "sticky"}]}, "'z'", "reachable"),
    ({"nodes": [{"id": "a", "question": "?", "predicate": "has_group_by", "yes": "b"},
                {"id": "b", "strategy": "sticky"}]}, "'a'", "'no'"),
    ({"nodes": [{"id": "a", "strategy": "hash", "colour": "red"}]}, "'a'", "colour"),
    ({"root": "x", "nodes": [{"id": "a", "strategy": "hash"}]}, "root", "'x'"),
    ({"nodes": []}, "nodes", "non-empty"),
    ({"nodes": [{"strategy": "hash"}]}, "#1", "'id'"),
]


@pytest.mark.parametrize(("doc", "names", "says"), BROKEN)
def test_malformed_trees_raise_naming_the_node(tmp_path: Path, doc: dict[str, object], names: str,
                                               says: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(TreeFileError) as caught:
        load_tree(path)
    assert names in str(caught.value) and says in str(caught.value)
    assert str(path) in str(caught.value)


def test_unreadable_or_unknown_tree_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("name = [", encoding="utf-8")
    with pytest.raises(TreeFileError, match="not valid TOML"):
        load_tree(bad)
    with pytest.raises(TreeFileError, match="seed, extended, velostream"):
        load_tree("sprouts")
