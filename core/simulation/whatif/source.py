"""The records a what-if replays: the same source and keyed stage ``simulate`` would replay.

Built from a statement exactly as :func:`core.simulation.api.simulate` builds its source (synthetic
topic from the config and seed, or a trace), so the what-ifs and the strategy comparison describe the
same data. The keyed stage's key is the plan's state key (GROUP BY, PARTITION BY, DISTINCT columns).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from os import PathLike

from core.errors import InvalidConfigError
from core.simulation import api
from core.simulation.config import SimulationConfig
from core.simulation.plan import build_plan
from core.workload.batch import Batch
from core.workload.trace import Trace

__all__ = ["KeyedSource", "keyed_source"]


@dataclass(frozen=True)
class KeyedSource:
    batches: Callable[[], Iterator[Batch]]
    key_columns: tuple[str, ...]
    records: int
    partitions: int


def keyed_source(sql: str, config: SimulationConfig, *, dialect: str = "velostream", tree: str = "seed",
                 source_keys: Sequence[str] = (), trace: Trace | str | PathLike[str] | None = None,
                 trace_partitions: int | None = None, statement: int = -1, strategy: str | None = None,
                 auto_select: bool = True) -> KeyedSource:
    """The statement's source batches (re-readable) and the key columns of its keyed stage.

    ``trace_partitions`` None lets a trace bring its own partition count (as ``simulate`` does).
    """
    keys = (source_keys,) if isinstance(source_keys, str) else tuple(source_keys)
    st, meta = api._statement(sql, statement, dialect=dialect, tree=tree, source_keys=keys,
                              source_partitions=config.partitions, strategy=strategy, auto_select=auto_select)
    source = (api._trace(trace, st, meta, trace_partitions) if trace is not None
              else api._synthetic(st, meta, config, config.partitions))
    plan = build_plan(st.profile, source.key_columns, source.value_columns)
    if not plan.state_columns:
        raise InvalidConfigError(f"statement {st.profile.index} has no keyed stage ({plan.kind} operator): "
                                 "the worker what-ifs place keys; use a statement with GROUP BY, "
                                 "PARTITION BY or DISTINCT")
    return KeyedSource(source.batches, plan.state_columns, source.records, source.partitions)
