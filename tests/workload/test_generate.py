"""generate(): reproducibility, producers, offsets, event time, shared vocabularies."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

from core.errors import InvalidConfigError
from core.hashing import crc32_partition, kafka_partition
from core.workload.batch import Batch
from core.workload.schema import ColumnSpec, EventTimeSpec, WorkloadSchema
from core.workload.synthetic import TopicSpec, generate

SCHEMA = WorkloadSchema(
    columns=(
        ColumnSpec.categorical("symbol", 500, "zipf:1.1"),
        ColumnSpec.categorical("venue", 7),
        ColumnSpec.numeric("price", "uniform:1,100"),
    ),
    time_column="ts",
)


def _collect(spec: TopicSpec, records: int, seed: int = 0, batch_size: int = 262_144,
             schema: WorkloadSchema | None = SCHEMA) -> list[Batch]:
    return list(generate(spec, schema, records, seed=seed, batch_size=batch_size))


def _concat(batches: list[Batch]) -> dict[str, np.ndarray]:
    out = {
        "partition": np.concatenate([b.partition for b in batches]),
        "offset": np.concatenate([b.offset for b in batches]),
        "event_time": np.concatenate([b.event_time for b in batches]),
    }
    for name in batches[0].codes:
        out[name] = np.concatenate([b.codes[name] for b in batches])
    for name in batches[0].values:
        out[name] = np.concatenate([b.values[name] for b in batches])
    return out


@pytest.mark.parametrize("producer", ["murmur2", "crc32", "sticky", "round_robin"])
def test_same_seed_same_data_for_any_batch_size(producer: str) -> None:
    spec = TopicSpec("t", 7, ("symbol",), producer=producer, batch_size_bytes=2000)
    big = _concat(_collect(spec, 150_000, seed=5))
    small = _concat(_collect(spec, 150_000, seed=5, batch_size=9_999))
    again = _concat(_collect(spec, 150_000, seed=5))
    assert big.keys() == small.keys()
    for name in big:
        np.testing.assert_array_equal(big[name], small[name], err_msg=name)
        np.testing.assert_array_equal(big[name], again[name], err_msg=name)
    other = _concat(_collect(spec, 150_000, seed=6))
    assert not np.array_equal(big["symbol"], other["symbol"])


def test_batches_are_columnar_and_share_vocab_objects() -> None:
    batches = _collect(TopicSpec("t", 4, ("symbol",)), 100_000, batch_size=30_000)
    assert [len(b) for b in batches] == [30_000, 30_000, 30_000, 10_000]
    first = batches[0]
    assert first.partition.dtype == np.int32 and first.offset.dtype == np.int64
    assert first.event_time.dtype == np.int64 and first.codes["symbol"].dtype == np.int32
    assert set(first.columns) == {"symbol", "venue", "price", "ts"}
    assert all(b.vocab["symbol"] is first.vocab["symbol"] for b in batches)
    assert first.vocab["symbol"][3] == "symbol_3" and len(first.vocab["venue"]) == 7
    assert first.values["ts"] is first.event_time  # the window's time column is the event time


@pytest.mark.parametrize(("producer", "scalar"), [("murmur2", kafka_partition), ("crc32", crc32_partition)])
def test_keyed_producers_match_the_scalar_partitioner(producer: str, scalar: object) -> None:
    spec = TopicSpec("t", 13, ("symbol",), producer=producer)
    data = _concat(_collect(spec, 50_000, batch_size=7_000))
    vocab = SCHEMA.column("symbol").vocab
    expected = np.array([scalar(k.encode("utf-8"), 13) for k in vocab.tolist()])  # type: ignore[operator]
    np.testing.assert_array_equal(data["partition"], expected[data["symbol"]])


def test_compound_key_joins_values_with_a_bar() -> None:
    spec = TopicSpec("t", 11, ("symbol", "venue"))
    batches = _collect(spec, 20_000, batch_size=3_000)
    for b in batches:
        pairs = zip(b.strings("symbol").tolist(), b.strings("venue").tolist(), strict=True)
        keys = [f"{s}|{v}" for s, v in pairs]
        expected = [kafka_partition(k.encode(), 11) for k in keys]
        np.testing.assert_array_equal(b.partition, expected)


def test_sticky_runs_have_batch_size_records_and_switch_partition() -> None:
    spec = TopicSpec("t", 5)
    data = _concat(_collect(spec, 100_000, batch_size=12_345, schema=None))
    run = spec.sticky_run
    parts = data["partition"]
    for start in range(0, len(parts), run):
        assert len(set(parts[start:start + run].tolist())) == 1
    heads = parts[::run]
    assert np.all(heads[1:] != heads[:-1])  # the next run goes to another partition
    counts = np.bincount(parts, minlength=5)
    again = np.bincount(_concat(_collect(spec, 100_000, schema=None))["partition"], minlength=5)
    np.testing.assert_array_equal(counts, again)
    assert set(np.unique(counts % run).tolist()) <= {0, 100_000 % run}


def test_sticky_custom_batch_size_and_single_partition() -> None:
    spec = TopicSpec("t", 3, batch_size_bytes=1000, record_bytes=300)
    parts = _concat(_collect(spec, 1000, schema=None))["partition"]
    changes = np.flatnonzero(np.diff(parts)) + 1
    assert np.all(np.diff(changes) == math.ceil(1000 / 300))
    single = _concat(_collect(TopicSpec("t", 1), 1000, schema=None))["partition"]
    assert set(single.tolist()) == {0}


def test_round_robin_counter_persists_across_batches() -> None:
    spec = TopicSpec("t", 6, producer="round_robin")
    parts = _concat(_collect(spec, 1_003, batch_size=100, schema=None))["partition"]
    np.testing.assert_array_equal(parts, np.arange(1_003) % 6)
    counts = np.bincount(parts)
    assert counts.max() - counts.min() <= 1


@pytest.mark.parametrize("producer", ["murmur2", "sticky", "round_robin"])
def test_offsets_consecutive_per_partition_across_batches(producer: str) -> None:
    spec = TopicSpec("t", 9, ("symbol",), producer=producer, batch_size_bytes=500)
    data = _concat(_collect(spec, 40_000, batch_size=3_333))
    for p in range(9):
        offsets = data["offset"][data["partition"] == p]
        np.testing.assert_array_equal(offsets, np.arange(len(offsets)))


def test_event_time_rate_jitter_and_out_of_order() -> None:
    plain = WorkloadSchema(event_time=EventTimeSpec(start_ms=1_000, rate=500))
    t = _concat(_collect(TopicSpec("t", 2), 1_000, schema=plain))["event_time"]
    np.testing.assert_array_equal(t, 1_000 + np.arange(1_000) * 2)
    noisy = WorkloadSchema(event_time=EventTimeSpec(start_ms=0, rate=1000, jitter_ms=5, out_of_order=0.1,
                                                    max_lateness_ms=2_000))
    t = _concat(_collect(TopicSpec("t", 2), 100_000, schema=noisy))["event_time"]
    delta = t - np.arange(100_000)
    assert delta.max() <= 5 and delta.min() >= -2_005
    late = np.mean(delta < -5)
    assert late == pytest.approx(0.1 * (1 - 5 / 2000), abs=0.01)


def test_missing_key_columns_are_added_and_zero_records_yield_nothing() -> None:
    batches = _collect(TopicSpec("t", 3, ("user",)), 10, schema=None)
    assert batches[0].vocab["user"][0] == "user_0" and len(batches[0].vocab["user"]) == 1000
    assert _collect(TopicSpec("t", 3), 0) == []


def test_aliases_share_arrays() -> None:
    schema = WorkloadSchema(columns=(ColumnSpec.categorical("symbol", 10),), aliases=(("Symbol", "symbol"),))
    batch = _collect(TopicSpec("t", 3, ("Symbol",)), 100, schema=schema)[0]
    assert batch.codes["Symbol"] is batch.codes["symbol"] and batch.vocab["Symbol"] is batch.vocab["symbol"]


@pytest.mark.parametrize(
    ("records", "seed", "batch_size"), [(-1, 0, 10), (10, -1, 10), (10, 0, 0), (True, 0, 10), (1.5, 0, 10)]
)
def test_invalid_generate_arguments(records: object, seed: object, batch_size: object) -> None:
    with pytest.raises(InvalidConfigError):
        generate(TopicSpec("t", 2), None, records, seed, batch_size)  # type: ignore[arg-type]


def test_numeric_key_column_is_refused() -> None:
    schema = WorkloadSchema(columns=(ColumnSpec.numeric("amount"),))
    with pytest.raises(InvalidConfigError, match="categorical"):
        generate(TopicSpec("t", 2, ("amount",)), schema, 10)


def test_generating_beats_a_per_record_python_pass_over_a_tenth_of_the_records() -> None:
    # Relative, so a loaded CI machine slows both sides alike.
    spec = TopicSpec("t", 12, ("symbol",))
    started = time.perf_counter()
    total = sum(len(b) for b in generate(spec, SCHEMA, 1_000_000, seed=1))
    generating = time.perf_counter() - started
    keys = SCHEMA.column("symbol").vocab[np.arange(100_000) % 500].tolist()
    started = time.perf_counter()
    routed = [kafka_partition(k.encode("utf-8"), 12) for k in keys]
    per_record = time.perf_counter() - started
    assert total == 1_000_000 and len(routed) == 100_000
    assert generating < per_record, f"generate {generating:.3f}s vs per-record pass {per_record:.3f}s"


def test_whole_rates_use_exact_integer_times() -> None:
    schema = WorkloadSchema(event_time=EventTimeSpec(start_ms=0, rate=10_000))
    t = _concat(_collect(TopicSpec("t", 2), 100_000, schema=schema))["event_time"]
    np.testing.assert_array_equal(t, np.arange(100_000) // 10)
    fractional = WorkloadSchema(event_time=EventTimeSpec(start_ms=0, rate=2.5))
    t = _concat(_collect(TopicSpec("t", 2), 10, schema=fractional))["event_time"]
    np.testing.assert_array_equal(t, np.arange(10) * 400)


@pytest.mark.parametrize("kwargs", [{"rate": 0}, {"jitter_ms": -1}, {"jitter_ms": 1.5}, {"out_of_order": 2.0},
                                    {"max_lateness_ms": 0}])
def test_invalid_event_time_specs(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidConfigError):
        EventTimeSpec(**kwargs)  # type: ignore[arg-type]


def test_the_vocabulary_cache_is_bounded_by_bytes_not_entries(monkeypatch: pytest.MonkeyPatch) -> None:
    from core.workload import schema

    monkeypatch.setattr(schema, "VOCAB_CACHE_BYTES", 2_000_000)
    monkeypatch.setattr(schema, "_vocabs", schema.OrderedDict())
    monkeypatch.setattr(schema, "_vocab_bytes", {})
    first = schema.key_vocab("a", 10_000)
    assert schema.key_vocab("a", 10_000) is first  # a hit returns the same read-only object
    for name in "bcdefgh":
        schema.key_vocab(name, 10_000)  # ~0.7 MB each: only the newest few fit
    assert schema.vocab_cache_bytes() <= 2_000_000
    assert ("a", 10_000) not in schema._vocabs and ("h", 10_000) in schema._vocabs
    big = schema.key_vocab("huge", 50_000)  # larger than the budget alone: kept, the rest dropped
    assert list(schema._vocabs) == [("huge", 50_000)] and len(big) == 50_000
