"""What-if figure builders and their sentences, on small real results of core's what-ifs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from core.simulation.whatif import (
    KeyGroups,
    ModHash,
    count_keys,
    partial_key_grouping,
    rescale,
    salting,
    sweep,
    two_phase,
)
from core.workload.batch import Batch
from dashboard.charts import whatif as charts


def _keys() -> list[str]:
    # One hot key (40 % of the records) and 60 cold ones.
    return ["hot"] * 400 + [f"k{i % 60}" for i in range(600)]


def _batches() -> list[Batch]:
    vocab, codes = np.unique(np.array(_keys(), dtype=object), return_inverse=True)
    n = len(codes)
    return [Batch(partition=(np.arange(n) % 4).astype(np.int32), offset=np.arange(n, dtype=np.int64),
                  event_time=np.arange(n, dtype=np.int64), codes={"k": codes.astype(np.int32)},
                  vocab={"k": vocab})]


@pytest.fixture(scope="module")
def counts() -> Any:
    return count_keys(_batches(), ["k"])


def test_sweep_draws_throughput_and_skew_and_marks_the_workers_needed(counts: Any) -> None:
    data = sweep(counts, range(1, 9), capacity=1000.0, target_rate=2000.0).to_dict()
    fig = charts.sweep_figure(data).to_dict()
    names = [t["name"] for t in fig["data"]]
    assert names[:2] == ["modeled throughput", "skew (max/mean)"]
    assert list(fig["data"][0]["x"]) == list(range(1, 9))
    assert fig["data"][1]["yaxis"] == "y2"
    assert f"workers needed: {data['workers_needed']}" in names
    sentence = charts.sweep_sentence(data)
    assert f"{data['workers_needed']} workers are enough for 2,000 records/s" in sentence
    assert "40.0%" in sentence  # the hot key's share, the reason for the ceiling


def test_sweep_sentence_says_when_no_worker_count_reaches_the_rate(counts: Any) -> None:
    data = sweep(counts, range(1, 9), capacity=1000.0, target_rate=10_000.0).to_dict()
    assert data["workers_needed"] is None
    assert charts.sweep_sentence(data).startswith("No worker count reaches 10,000 records/s")
    names = [str(t["name"]) for t in charts.sweep_figure(data).to_dict()["data"]]
    assert not any(name.startswith("workers needed") for name in names)


def test_rescale_shows_keys_and_state_per_placement(counts: Any) -> None:
    data = rescale(counts, 8, 12, placements=(ModHash(), KeyGroups())).to_dict()
    fig = charts.rescale_figure(data).to_dict()
    keys = next(t for t in fig["data"] if t["name"] == "keys that move")
    assert list(keys["x"]) == ["hash mod W", "Flink key groups"]
    expected = [100 * f["keys_share"] for f in data["families"].values()]
    assert list(keys["y"]) == pytest.approx(expected)
    sentence = charts.rescale_sentence(data)
    assert sentence.startswith("Going from 8 to 12 workers")
    assert "key groups change owner" in sentence


def test_two_phase_compares_the_keyed_stage_before_and_after(counts: Any) -> None:
    data = two_phase(_batches(), ["k"], 4, mini_batch=50).to_dict()
    fig = charts.two_phase_figure(data).to_dict()
    before, after = fig["data"]
    assert list(before["y"]) == data["single_phase"]["loads"]
    assert list(after["y"]) == data["stages"][1]["loads"]
    assert fig["layout"]["yaxis"]["type"] == "log"
    sentence = charts.two_phase_sentence(data)
    assert f"sends {data['hot_key_partial_rows']:,} rows instead of 400" in sentence


def test_salting_shows_the_salted_stage_and_the_merge(counts: Any) -> None:
    data = salting(counts, 4, 4, top_k=1).to_dict()
    fig = charts.salting_figure(data).to_dict()
    assert list(fig["data"][1]["y"]) == data["stages"][0]["loads"]
    assert "merge stage" in fig["layout"]["annotations"][0]["text"]
    sentence = charts.salting_sentence(data)
    assert sentence.startswith("Salting hot (40% of the records) over 4 sub-keys")
    assert "second GROUP BY" in sentence
    nothing = salting(counts, 2, 4).to_dict()  # no key above 1/2 of the records
    assert charts.salting_sentence(nothing).startswith("No key is salted")


def test_pkg_shows_both_placements_and_the_bound(counts: Any) -> None:
    data = partial_key_grouping(_batches(), ["k"], 4, d=2).to_dict()
    fig = charts.pkg_figure(data).to_dict()
    assert list(fig["data"][0]["y"]) == data["hashed"]["loads"]
    assert list(fig["data"][1]["y"]) == data["stages"][0]["loads"]
    assert "bound" in fig["layout"]["annotations"][0]["text"]
    sentence = charts.pkg_sentence(data)
    assert f"from {data['hash_imbalance_ratio']:.3f} to {data['imbalance_ratio']:.3f}" in sentence
    # p1/d - 1/W = 0.4/2 - 0.25 < 0: the sentence says no imbalance is forced.
    assert "no longer forces any imbalance" in sentence


def test_per_worker_charts_summarise_past_the_bar_limit(counts: Any) -> None:
    data = salting(counts, 100, 4, top_k=1).to_dict()
    fig = charts.salting_figure(data).to_dict()
    assert all(t["type"] == "scatter" for t in fig["data"])
    ranked = list(fig["data"][0]["y"])
    assert ranked == sorted(ranked, reverse=True) and len(ranked) == 100
    small = charts.salting_figure(salting(counts, charts.BAR_WORKERS, 4, top_k=1).to_dict()).to_dict()
    assert all(t["type"] == "bar" for t in small["data"])
