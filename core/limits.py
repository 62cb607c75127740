"""The bounds every entry point enforces, in one place so the CLI, the library and the dashboard agree."""

from __future__ import annotations

__all__ = ["MAX_PARTITIONS", "MAX_WORKERS"]

# Source topic partitions P: Kafka clusters top out in the tens of thousands per topic.
MAX_PARTITIONS = 100_000
# Parallel workers W (Velostream's num_partitions): one process hosts many, but each costs state.
MAX_WORKERS = 1_024
