"""Helpers for the what-if tests: batches from plain arrays, and a zipf topic."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from core.workload.batch import Batch
from core.workload.distributions import KeyDistribution
from core.workload.schema import ColumnSpec, WorkloadSchema
from core.workload.synthetic import TopicSpec, generate


def batches_of(keys: Sequence[int], partitions: Sequence[int], chunk: int = 1000,
               column: str = "k") -> Iterator[Batch]:
    """Records with key ``f"k{keys[i]}"`` from ``partitions[i]``, ``chunk`` records per batch."""
    k = np.asarray(keys, dtype=np.int64)
    p = np.asarray(partitions, dtype=np.int32)
    vocab = np.array([f"k{i}" for i in range(int(k.max()) + 1 if k.size else 1)], dtype=object)
    for lo in range(0, len(k), chunk):
        part = p[lo: lo + chunk]
        zeros = np.zeros(len(part), np.int64)
        yield Batch(partition=part, offset=zeros, event_time=zeros.copy(),
                    codes={column: k[lo: lo + chunk].astype(np.int32)}, vocab={column: vocab})


def zipf_topic(records: int = 100_000, keys: int = 1000, s: float = 1.3, partitions: int = 8,
               seed: int = 0, batch_size: int = 10_000) -> Iterator[Batch]:
    schema = WorkloadSchema(columns=(ColumnSpec("k", "categorical", keys, KeyDistribution("zipf", s)),))
    topic = TopicSpec(partitions=partitions, producer="round_robin")
    return generate(topic, schema, records, seed, batch_size)
