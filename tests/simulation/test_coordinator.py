"""The coordinator hands every record to exactly one worker of every strategy."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from core.model.profile import Aggregate, QueryProfile
from core.simulation import coordinator
from core.simulation.config import SimulationConfig
from core.simulation.plan import build_plan
from core.strategies.base import RoutingContext
from core.strategies.factory import make_strategy
from core.strategies.names import STRATEGY_NAMES
from core.workload.schema import ColumnSpec
from core.workload.synthetic import TopicSpec, WorkloadSchema, generate

PROFILE = QueryProfile(index=0, kind="select", group_by=("symbol",),
                       aggregates=(Aggregate("COUNT", None, "COUNT(*)"),
                                   Aggregate("SUM", "price", "SUM(price)")))


@settings(max_examples=20, deadline=None)
@given(records=st.integers(1, 2500), workers=st.integers(1, 7), batch=st.integers(1, 700),
       partitions=st.integers(1, 9), seed=st.integers(0, 1000))
def test_workers_receive_exactly_their_loads(records: int, workers: int, batch: int, partitions: int,
                                             seed: int) -> None:
    schema = WorkloadSchema((ColumnSpec.categorical("symbol", 30), ColumnSpec.numeric("price")))
    topic = TopicSpec(partitions=partitions)
    config = SimulationConfig(records=records, workers=workers, partitions=partitions, processes=0,
                              batch_size=batch, seed=seed)
    plan = build_plan(PROFILE, ("symbol",), ("price",))
    runs = [coordinator.StrategyRun(name, make_strategy(name, workers=workers),
                                    RoutingContext(workers=workers, routing_keys=("symbol",)))
            for name in STRATEGY_NAMES]
    # The generator's own batches are larger than the coordinator's: it must cut them.
    out = coordinator.run(generate(topic, schema, records, seed, batch_size=3 * batch), records, plan,
                          runs, config)
    assert out.records == records and out.reference.rows == records
    for run in out.runs:
        assert [o.rows for o in run.outputs] == run.loads.tolist()
        assert int(run.loads.sum()) == records
        # Partial COUNT(*)s over every worker add up to the record count: none lost or doubled.
        assert sum(int(o.table["a0"].sum()) for o in run.outputs) == records
