"""The vectorized engines agree with the one-key-at-a-time references on arbitrary typed keys."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from core.engines import EngineSettings, get_engine
from tests.engines import reference

_VALUES = {
    "STRING": st.text(max_size=40),
    "BIGINT": st.integers(-(2**63), 2**63 - 1),
    "INT": st.integers(-(2**31), 2**31 - 1),
    "SMALLINT": st.integers(-(2**15), 2**15 - 1),
    "TINYINT": st.integers(-128, 127),
    "BOOLEAN": st.booleans(),
    "DOUBLE": st.floats(allow_nan=True, allow_infinity=True),
    "DATE": st.integers(-(2**31), 2**31 - 1),
}
_KAFKA = ("STRING", "INT", "BIGINT", "DOUBLE")


@st.composite
def keysets(draw: st.DrawFn, types_from: tuple[str, ...] = tuple(_VALUES), nulls: bool = True
            ) -> tuple[list[str], list[tuple[object, ...]]]:
    arity = draw(st.integers(1, 3))
    types = [draw(st.sampled_from(types_from)) for _ in range(arity)]
    row = st.tuples(*(st.one_of(st.none(), _VALUES[t]) if nulls else _VALUES[t] for t in types))
    return types, draw(st.lists(row, min_size=1, max_size=30))


def columns(rows: list[tuple[object, ...]]) -> list[np.ndarray]:
    out = []
    for i in range(len(rows[0])):
        a = np.empty(len(rows), dtype=object)
        a[:] = [r[i] for r in rows]
        out.append(a)
    return out


@settings(max_examples=150, deadline=None)
@given(keysets(), st.integers(1, 300), st.sampled_from([None, 1, 7, 128, 4096, 32768]))
def test_flink_matches_reference(case: tuple, workers: int, maxp: int | None) -> None:
    types, rows = case
    if maxp is not None and workers > maxp:
        maxp = workers
    got = get_engine("flink").workers(columns(rows), types, workers, EngineSettings(maxp)).tolist()
    assert got == [reference.worker("flink", r, types, workers, maxp) for r in rows]


@settings(max_examples=150, deadline=None)
@given(keysets(), st.integers(1, 300))
def test_spark_matches_reference(case: tuple, workers: int) -> None:
    types, rows = case
    got = get_engine("spark").workers(columns(rows), types, workers).tolist()
    assert got == [reference.spark_partition(r, types, workers) for r in rows]


@settings(max_examples=100, deadline=None)
@given(keysets(_KAFKA, nulls=False), st.integers(1, 5000))
def test_kafka_streams_matches_reference(case: tuple, workers: int) -> None:
    types, rows = case
    got = get_engine("kafka-streams").workers(columns(rows), types, workers).tolist()
    assert got == [reference.kafka_partition(r, types, workers) for r in rows]


@settings(max_examples=100, deadline=None)
@given(keysets(("STRING", "BIGINT", "BOOLEAN")), st.integers(1, 1024))
def test_velostream_and_partition_lab_match_reference(case: tuple, workers: int) -> None:
    types, rows = case
    for name in ("velostream", "partition-lab"):
        got = get_engine(name).workers(columns(rows), types, workers).tolist()
        assert got == [reference.worker(name, r, types, workers) for r in rows]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=300), st.integers(1, 64))
def test_many_keys_at_once_equal_one_at_a_time(keys: list[str], workers: int) -> None:
    # Length groups, chunking and padding must not mix keys up: batch == singletons.
    for name in ("flink", "spark", "kafka-streams", "velostream"):
        engine = get_engine(name)
        together = engine.workers(columns([(k,) for k in keys]), ["STRING"], workers).tolist()
        alone = [engine.workers(columns([(k,)]), ["STRING"], workers).tolist()[0] for k in keys]
        assert together == alone
