"""The lean per-record simulator counts the same loads and split keys as simulate (it is a yardstick)."""

from __future__ import annotations

from core.bench.lean_simulator import lean_simulate
from core.bench.runner import BENCH_SQL
from core.simulation.api import simulate
from core.simulation.config import SimulationConfig


def test_lean_loads_and_split_keys_equal_simulate() -> None:
    lean = lean_simulate(BENCH_SQL, records=5_000, workers=3, keys=300, seed=4)
    config = SimulationConfig(records=5_000, workers=3, keys=300, seed=4, processes=0, engine="partition-lab")
    full = simulate(BENCH_SQL, config=config)
    for name, m in full.strategies.items():
        assert lean.loads[name] == m.loads, name
        assert lean.fragmented_keys[name] == m.fragmented_groups, name
    assert lean.fragmented_keys["round_robin"] > 0 and lean.fragmented_keys["always_hash"] == 0
