"""Invariants of generate() for any topic shape (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from core.workload.schema import ColumnSpec, WorkloadSchema
from core.workload.synthetic import PRODUCERS, TopicSpec, generate


@settings(max_examples=60, deadline=None)
@given(
    partitions=st.integers(1, 300),
    producer=st.sampled_from(PRODUCERS),
    records=st.integers(0, 5_000),
    batch_size=st.integers(1, 2_000),
    keys=st.integers(1, 50),
    batch_bytes=st.integers(1, 5_000),
    seed=st.integers(0, 2**32),
)
def test_every_record_once_partitions_in_range_offsets_consecutive(
    partitions: int, producer: str, records: int, batch_size: int, keys: int, batch_bytes: int, seed: int
) -> None:
    spec = TopicSpec("t", partitions, ("k",), producer=producer, batch_size_bytes=batch_bytes)
    schema = WorkloadSchema(columns=(ColumnSpec.categorical("k", keys, "zipf:1.3"),))
    batches = list(generate(spec, schema, records, seed=seed, batch_size=batch_size))
    assert sum(len(b) for b in batches) == records
    assert all(0 < len(b) <= batch_size for b in batches)
    if not records:
        return
    parts = np.concatenate([b.partition for b in batches])
    offsets = np.concatenate([b.offset for b in batches])
    assert parts.min() >= 0 and parts.max() < partitions
    for p in np.unique(parts).tolist():
        np.testing.assert_array_equal(offsets[parts == p], np.arange(int(np.sum(parts == p))))
    codes = np.concatenate([b.codes["k"] for b in batches])
    assert codes.min() >= 0 and codes.max() < keys
