"""Where records come from: synthetic Kafka topics and replayed traces, as columnar batches."""

from __future__ import annotations

from core.workload.batch import Batch
from core.workload.columns import columns_for
from core.workload.distributions import KeyDistribution, ValueDistribution, parse_distribution
from core.workload.schema import ColumnSpec, EventTimeSpec, WorkloadSchema
from core.workload.synthetic import PRODUCERS, TopicSpec, generate
from core.workload.trace import Trace, read_trace

__all__ = [
    "Batch",
    "ColumnSpec",
    "EventTimeSpec",
    "KeyDistribution",
    "PRODUCERS",
    "TopicSpec",
    "Trace",
    "ValueDistribution",
    "WorkloadSchema",
    "columns_for",
    "generate",
    "parse_distribution",
    "read_trace",
]
