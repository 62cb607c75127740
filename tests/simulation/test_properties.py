"""Invariants over generated single-stage queries: same seed → same result; inline = processes.

Queries are drawn from the shapes the replay knows (GROUP BY keys, tumbling/hopping/session windows,
DISTINCT, Top-N per partition, ORDER BY … LIMIT, plain projections) over a small synthetic topic.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.simulation.api import simulate
from core.simulation.config import SimulationConfig

_COLUMNS = ("user_id", "page", "region")
# Wall-clock measurements differ between any two runs; everything else must not.
_TIMED = {"wall_s", "busy_s", "routing_s", "measured_records_per_s", "processes"}


@st.composite
def queries(draw: st.DrawFn) -> str:
    keys = draw(st.lists(st.sampled_from(_COLUMNS), min_size=1, max_size=2, unique=True))
    cols = ", ".join(keys)
    shape = draw(st.sampled_from(["group", "window", "hopping", "session", "distinct", "top_n", "limit",
                                  "projection"]))
    agg = draw(st.sampled_from(["COUNT(*)", "SUM(amount)", "AVG(amount)", "MIN(amount), MAX(amount)"]))
    if shape == "group":
        return f"SELECT {cols}, {agg} FROM clicks GROUP BY {cols}"
    if shape == "window":
        return f"SELECT {cols}, {agg} FROM clicks GROUP BY {cols} WINDOW TUMBLING(10s)"
    if shape == "hopping":
        return f"SELECT {cols}, {agg} FROM clicks GROUP BY {cols} WINDOW SLIDING(20s, 10s)"
    if shape == "session":
        return f"SELECT {cols}, COUNT(*) FROM clicks GROUP BY {cols} WINDOW SESSION(5s)"
    if shape == "distinct":
        return f"SELECT DISTINCT {cols} FROM clicks"
    n = draw(st.integers(1, 4))
    direction = draw(st.sampled_from(["", " DESC"]))
    if shape == "top_n":
        return (f"SELECT * FROM (SELECT {cols}, amount, ROW_NUMBER() OVER (PARTITION BY {cols} ORDER BY "
                f"amount{direction}) AS rn FROM clicks) WHERE rn <= {n}")
    if shape == "limit":
        return f"SELECT {cols}, amount FROM clicks ORDER BY amount{direction} LIMIT {n}"
    return f"SELECT {cols}, amount FROM clicks WHERE amount > 1"


def _untimed(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _untimed(v) for k, v in value.items() if k not in _TIMED}
    if isinstance(value, list):
        return [_untimed(v) for v in value]
    return value


def _config(seed: int, workers: int, processes: int, distribution: str) -> SimulationConfig:
    return SimulationConfig(records=1_500, keys=40, workers=workers, partitions=4, seed=seed,
                            processes=processes, distribution=distribution, batch_size=700)


_DISTRIBUTIONS = st.sampled_from(["uniform", "zipf:1.2", "hot:0.3"])


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(queries(), st.integers(0, 2**31 - 1), st.integers(1, 5), _DISTRIBUTIONS)
def test_same_seed_same_result(sql: str, seed: int, workers: int, distribution: str) -> None:
    first = simulate(sql, config=_config(seed, workers, 0, distribution)).to_dict()
    again = simulate(sql, config=_config(seed, workers, 0, distribution)).to_dict()
    assert _untimed(first) == _untimed(again)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(queries(), st.integers(0, 2**31 - 1), st.integers(2, 5), _DISTRIBUTIONS)
def test_inline_equals_processes(sql: str, seed: int, workers: int, distribution: str) -> None:
    inline = simulate(sql, config=_config(seed, workers, 0, distribution)).to_dict()
    pooled = simulate(sql, config=_config(seed, workers, 2, distribution)).to_dict()
    assert pooled["processes"] == 2
    assert _untimed(inline) == _untimed(pooled)


def test_a_different_seed_changes_the_result() -> None:
    # The property above would hold trivially if the seed were ignored.
    sql = "SELECT user_id, COUNT(*) FROM clicks GROUP BY user_id"
    one = simulate(sql, config=_config(1, 3, 0, "zipf:1.2")).to_dict()
    two = simulate(sql, config=_config(2, 3, 0, "zipf:1.2")).to_dict()
    assert _untimed(one) != _untimed(two)
