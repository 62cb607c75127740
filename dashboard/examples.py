"""Tiny live examples for the Learn page: a dozen records routed by each strategy through core."""

from __future__ import annotations

from collections.abc import Hashable

import pandas as pd
from pandas.io.formats.style import Styler

from core.strategies import STRATEGY_NAMES, RoutingContext, make_strategy
from core.workload import ColumnSpec, TopicSpec, WorkloadSchema, generate

__all__ = ["routing_example", "worker_styler", "WORKER_FILLS"]

# Soft fills, one per worker, so a reader follows where each record went down a column.
WORKER_FILLS = ("#DCEBFA", "#FDE9C9", "#DDF3E4", "#F3DDF0", "#E5E7EB", "#FBE0D6")


def routing_example(records: int = 12, partitions: int = 4, workers: int = 3, seed: int = 7) -> pd.DataFrame:
    """One row per record: its key, source partition and the worker each strategy sends it to.

    The topic is keyed by ``symbol`` with Kafka's murmur2 partitioner, so smart_repartition runs
    aligned (``source_partition % W``) for a query grouped by ``symbol``.
    """
    topic = TopicSpec(name="trades", partitions=partitions, key_columns=("symbol",), producer="murmur2")
    schema = WorkloadSchema(columns=(ColumnSpec("symbol", cardinality=5, distribution="uniform"),))
    batch = next(generate(topic, schema, records, seed=seed))
    ctx = RoutingContext(workers=workers, routing_keys=("symbol",))
    table = pd.DataFrame(
        {
            "record": range(1, records + 1),
            "symbol": batch.strings("symbol"),
            "source partition": batch.partition,
        }
    )
    for name in STRATEGY_NAMES:
        options = {"aligned": True} if name == "smart_repartition" else {}
        table[name] = make_strategy(name, **options).route(batch, ctx)
    return table


def worker_styler(table: pd.DataFrame) -> Styler:
    """The example table with each strategy's worker cell filled by the worker's colour."""
    columns: list[Hashable] = [c for c in STRATEGY_NAMES if c in table]

    def fill(value: object) -> str:
        return f"background-color: {WORKER_FILLS[int(str(value)) % len(WORKER_FILLS)]}"

    return table.style.map(fill, subset=columns)
