"""Names, aliases, options, smart's counters, fan-in targets and validate delegation."""

from __future__ import annotations

import numpy as np
import pytest

from core.errors import InvalidConfigError, UnknownStrategyError
from core.model.profile import QueryProfile
from core.strategies import STRATEGY_NAMES, RoutingContext, Strategy, make_strategy
from core.strategies.names import ALIASES
from core.workload.batch import Batch


def _batch(partition: list[int]) -> Batch:
    n = len(partition)
    return Batch(
        partition=np.array(partition, dtype=np.int32),
        offset=np.arange(n, dtype=np.int64),
        event_time=np.zeros(n, dtype=np.int64),
        codes={"k": np.arange(n, dtype=np.int32) % 3},
        vocab={"k": np.array(["a", "b", "c"], dtype=object)},
    )


@pytest.mark.parametrize("name", STRATEGY_NAMES)
def test_every_name_and_alias_in_any_case(name: str) -> None:
    for spelling in (name, *ALIASES[name]):
        for variant in (spelling, spelling.upper(), spelling.title(), f"  {spelling} "):
            strategy = make_strategy(variant)
            assert isinstance(strategy, Strategy)
            assert strategy.name == name


def test_unknown_strategy_and_unknown_option() -> None:
    with pytest.raises(UnknownStrategyError, match="valid names"):
        make_strategy("random")
    with pytest.raises(InvalidConfigError, match="unknown strategy option"):
        make_strategy("hash", seed=3)


def test_each_call_builds_fresh_state() -> None:
    ctx = RoutingContext(workers=4)
    a, b = make_strategy("round_robin"), make_strategy("round_robin")
    a.route(_batch([0, 0, 0]), ctx)
    assert b.route(_batch([0]), ctx).tolist() == [0]


def test_smart_counts_natural_and_repartition_hits() -> None:
    ctx = RoutingContext(workers=4, routing_keys=("k",))
    aligned = make_strategy("smart", aligned=True)
    assert aligned.route(_batch([1, 6, 3]), ctx).tolist() == [1, 2, 3]
    stats = aligned.stats()
    assert (stats["natural_hits"], stats["repartition_hits"], stats["alignment_pct"]) == (3, 0, 100.0)

    unaligned = make_strategy("smart")
    unaligned.route(_batch([1, 6, 3, 0]), ctx)
    stats = unaligned.stats()
    assert (stats["natural_hits"], stats["repartition_hits"], stats["alignment_pct"]) == (0, 4, 0.0)
    assert make_strategy("smart").stats()["alignment_pct"] == 0.0


def test_fan_in_target_default_and_errors() -> None:
    ctx = RoutingContext(workers=4, fan_in_target=2)
    assert make_strategy("fan-in").route(_batch([0, 1]), ctx).tolist() == [2, 2]
    assert make_strategy("fanin", target=3).route(_batch([0]), ctx).tolist() == [3]
    assert make_strategy("fan_in").route(_batch([5]), RoutingContext(workers=2)).tolist() == [0]
    with pytest.raises(InvalidConfigError, match="does not exist with 4 workers"):
        make_strategy("fan_in", target=4, workers=4)
    with pytest.raises(InvalidConfigError, match=">= 0"):
        make_strategy("fan_in", target=-1)
    with pytest.raises(InvalidConfigError, match="does not exist with 2 workers"):
        make_strategy("fan_in", target=3).route(_batch([0]), RoutingContext(workers=2))
    with pytest.raises(InvalidConfigError, match="fan_in_target must be in 0..3"):
        RoutingContext(workers=4, fan_in_target=4)


def test_options_of_the_family_are_accepted_by_every_strategy() -> None:
    for name in STRATEGY_NAMES:
        make_strategy(name, aligned=True, target=1, workers=4)


def test_routing_context_validation() -> None:
    with pytest.raises(InvalidConfigError, match="workers must be >= 1"):
        RoutingContext(workers=0)
    with pytest.raises(InvalidConfigError, match="murmur2, crc32, fnv1a64, mmh3"):
        RoutingContext(workers=2, hash_function="md5")
    with pytest.raises(InvalidConfigError, match="key serialization"):
        RoutingContext(workers=2, key_serialization="avro")
    assert RoutingContext(workers=2, routing_keys="k").routing_keys == ("k",)  # type: ignore[arg-type]
    assert RoutingContext(workers=2, routing_keys=["a", "b"]).routing_keys == ("a", "b")  # type: ignore[arg-type]


def test_missing_routing_column_names_the_available_ones() -> None:
    ctx = RoutingContext(workers=2, routing_keys=("nope",))
    with pytest.raises(InvalidConfigError, match="'nope' is not a column.*available: k"):
        make_strategy("hash").route(_batch([0]), ctx)


def test_validate_delegates_to_validation() -> None:
    grouped = QueryProfile(index=0, kind="select", group_by=("k",))
    assert make_strategy("round_robin").validate(grouped, ("k",))
    assert make_strategy("hash").validate(grouped, ()) and not make_strategy("hash").validate(grouped, ("k",))
    assert not make_strategy("sticky").validate(grouped, ())


def test_context_and_strategies_pickle_for_worker_processes() -> None:
    import pickle

    from core import hashing

    ctx = RoutingContext(workers=4, routing_keys=("k",))
    make_strategy("hash").route(_batch([0, 1, 2]), ctx)  # fills the default cache
    copy = pickle.loads(pickle.dumps(ctx))
    assert copy == ctx and copy.cache is hashing.DEFAULT_CACHE
    private = RoutingContext(workers=4, cache=hashing.VocabHashCache(max_entries=5))
    assert pickle.loads(pickle.dumps(private)).cache.max_entries == 5
    rr = make_strategy("round_robin")
    rr.route(_batch([0, 0]), ctx)
    assert pickle.loads(pickle.dumps(rr)).stats()["counter"] == 2
