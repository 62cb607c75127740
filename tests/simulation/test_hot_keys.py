"""Hot keys per worker: computed in core from the result, smart_repartition's alignment from the decision."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from core.simulation.hot_keys import hot_key_routing
from core.testing import small_run
from core.testing.results import SMALL_CONFIG


def test_each_strategy_places_the_hot_keys_like_it_routes() -> None:
    result = small_run().result
    routing = hot_key_routing(result, top=5)
    assert routing is not None and len(routing.keys) == 5 and routing.workers == SMALL_CONFIG.workers
    assert routing.sample_records == SMALL_CONFIG.records
    grids = routing.records
    assert list(grids) == list(result.strategies)
    per_key = grids["always_hash"].sum(axis=1)
    assert list(per_key) == sorted(per_key, reverse=True)  # hottest first
    for name, grid in grids.items():
        assert (grid.sum(axis=1) == per_key).all(), name  # every sampled record of a key, once
    for name in ("always_hash", "smart_repartition", "sticky_partition"):
        assert ((grids[name] > 0).sum(axis=1) == 1).all(), name  # a key stays on one worker
    assert (grids["fan_in"][:, 1:] == 0).all()
    assert ((grids["round_robin"] > 0).sum(axis=1) == SMALL_CONFIG.workers).all()
    frames = routing.frames()
    assert list(frames["fan_in"].columns) == ["w0", "w1", "w2", "w3"]
    assert list(frames["fan_in"].index) == list(routing.keys)


def test_smart_repartition_follows_the_decisions_alignment() -> None:
    result = small_run().result
    assert result.aligned is True
    aligned = hot_key_routing(result)
    hashed = hot_key_routing(replace(result, aligned=False))
    assert aligned is not None and hashed is not None
    # Aligned: records stay on source_partition % W (sticky's placement); not aligned: hashed.
    assert np.array_equal(aligned.records["smart_repartition"], aligned.records["sticky_partition"])
    assert np.array_equal(hashed.records["smart_repartition"], hashed.records["always_hash"])
    assert not np.array_equal(aligned.records["smart_repartition"], hashed.records["smart_repartition"])


def test_a_topic_it_cannot_reproduce_gives_none() -> None:
    result = small_run().result
    assert hot_key_routing(replace(result, source="trace", keys=None, distribution=None)) is None
    assert hot_key_routing(replace(result, source_keys=("symbol", "venue"))) is None
