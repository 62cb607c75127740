"""Vectorized routes equal the per-record reference, batch after batch, for all five strategies."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.hashing import HASH_FUNCTIONS, VocabHashCache, worker_of
from core.strategies import STRATEGY_NAMES, RoutingContext, make_strategy
from core.testing.reference import ReferenceState, route_reference
from core.workload.batch import Batch

KEY_COLUMNS = ("k0", "k1", "k2")


def _batch(partition: list[int], codes: dict[str, list[int]], vocab: dict[str, list[str]],
           values: dict[str, list[int]] | None = None) -> Batch:
    n = len(partition)
    return Batch(
        partition=np.array(partition, dtype=np.int32),
        offset=np.arange(n, dtype=np.int64),
        event_time=np.arange(n, dtype=np.int64),
        codes={c: np.array(v, dtype=np.int32) for c, v in codes.items()},
        vocab={c: np.array(v, dtype=object) for c, v in vocab.items()},
        values={c: np.array(v, dtype=np.int64) for c, v in (values or {}).items()},
    )


@st.composite
def jobs(draw: st.DrawFn) -> tuple[RoutingContext, list[Batch], bool]:
    """A routing context and 1-4 batches of one job (vocabularies shared or rebuilt per batch)."""
    workers = draw(st.integers(1, 12))
    partitions = draw(st.integers(1, 12))
    n_keys = draw(st.integers(0, 3))
    use_numeric = draw(st.booleans())
    keys = KEY_COLUMNS[:n_keys] + (("amount",) if use_numeric and n_keys else ())
    ctx = RoutingContext(
        workers=workers,
        routing_keys=keys,
        hash_function=draw(st.sampled_from(HASH_FUNCTIONS)),
        fan_in_target=draw(st.integers(0, workers - 1)),
        cache=VocabHashCache() if draw(st.booleans()) else RoutingContext(1).cache,
    )
    shared = {c: draw(st.lists(st.text(max_size=6), min_size=1, max_size=8)) for c in KEY_COLUMNS}
    batches = []
    for _ in range(draw(st.integers(1, 4))):
        n = draw(st.integers(0, 40))
        vocab = shared if draw(st.booleans()) else {
            c: draw(st.lists(st.text(max_size=6), min_size=1, max_size=8)) for c in KEY_COLUMNS
        }
        codes = {c: draw(st.lists(st.integers(0, len(vocab[c]) - 1), min_size=n, max_size=n))
                 for c in KEY_COLUMNS}
        partition = draw(st.lists(st.integers(0, partitions - 1), min_size=n, max_size=n))
        amounts = draw(st.lists(st.integers(-5, 5), min_size=n, max_size=n))
        batches.append(_batch(partition, codes, {c: list(v) for c, v in vocab.items()}, {"amount": amounts}))
    return ctx, batches, draw(st.booleans())


@pytest.mark.parametrize("name", STRATEGY_NAMES)
@given(job=jobs())
@settings(max_examples=80, deadline=None)
def test_vectorized_route_equals_reference(name: str, job: tuple[RoutingContext, list[Batch], bool]) -> None:
    ctx, batches, aligned = job
    strategy = make_strategy(name, aligned=aligned)
    state = ReferenceState(aligned=aligned)
    for batch in batches:
        got = strategy.route(batch, ctx)
        expected = route_reference(name, batch, ctx, state)
        assert got.dtype == np.int32
        assert got.shape == (len(batch),)
        assert got.tolist() == expected.tolist()
        assert ((got >= 0) & (got < ctx.workers)).all()
    stats = strategy.stats()
    assert stats["records"] == sum(len(b) for b in batches)
    if name == "round_robin":
        assert stats["counter"] == state.counter
    if name == "smart_repartition":
        assert (stats["natural_hits"], stats["repartition_hits"]) == (
            state.natural_hits, state.repartition_hits)


def test_round_robin_counter_persists_across_batches() -> None:
    ctx = RoutingContext(workers=3)
    rr = make_strategy("robin")
    first = rr.route(_batch([0] * 4, {}, {}), ctx)
    second = rr.route(_batch([0] * 4, {}, {}), ctx)
    assert first.tolist() == [0, 1, 2, 0]
    assert second.tolist() == [1, 2, 0, 1]
    assert rr.stats()["counter"] == 8


def test_sticky_is_source_partition_mod_workers() -> None:
    got = make_strategy("STICKY").route(_batch([0, 5, 7, 3], {}, {}), RoutingContext(workers=4))
    assert got.tolist() == [0, 1, 3, 3]


def test_hash_strategies_without_keys_send_everything_to_worker_zero() -> None:
    batch = _batch([1, 2, 3], {"k": [0, 1, 2]}, {"k": ["a", "b", "c"]})
    for name in ("always_hash", "smart_repartition"):
        assert make_strategy(name).route(batch, RoutingContext(workers=5)).tolist() == [0, 0, 0]


def test_always_hash_matches_scalar_worker_of() -> None:
    batch = _batch([0, 0, 0], {"k": [0, 1, 2]}, {"k": ["trader_1", "trader_2", "trader_3"]})
    for hash_name in HASH_FUNCTIONS:
        ctx = RoutingContext(workers=7, routing_keys=("k",), hash_function=hash_name)
        got = make_strategy("hash").route(batch, ctx)
        assert got.tolist() == [worker_of([f"trader_{i}"], 7, hash_name) for i in (1, 2, 3)]


def test_int_key_serialization_reaches_the_hash() -> None:
    batch = _batch([0, 0], {"id": [0, 1]}, {"id": ["42", "7"]})
    ctx = RoutingContext(workers=16, routing_keys=("id",), hash_function="murmur2", key_serialization="int32")
    got = make_strategy("hash").route(batch, ctx)
    assert got.tolist() == [worker_of([42], 16, "murmur2", "int32"), worker_of([7], 16, "murmur2", "int32")]
    state = ReferenceState()
    assert route_reference("hash", batch, ctx, state).tolist() == got.tolist()


def test_empty_batch_routes_to_empty_array() -> None:
    empty = _batch([], {"k": []}, {"k": ["a"]})
    for name in STRATEGY_NAMES:
        got = make_strategy(name).route(empty, RoutingContext(workers=3, routing_keys=("k",)))
        assert got.dtype == np.int32 and got.shape == (0,)


def test_bench_routing_smoke() -> None:
    from core.bench.routing import bench_routing

    report = bench_routing(2_000, 4, 50, reference_sample=300, repeats=1, second_column=3)
    assert set(report["strategies"]) == set(STRATEGY_NAMES)
    assert all(m["reference_records_per_s"] > 0 for m in report["strategies"].values())
