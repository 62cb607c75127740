"""A trace's routing keys take their SQL type from the catalog: Flink hashes INT, BIGINT and STRING apart."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from core.engines import EngineSettings, get_engine
from core.engines.flink import max_parallelism_for
from core.simulation.api import simulate
from core.simulation.config import SimulationConfig

# Negative ids too: Flink writes an INT as 4 bytes plus 4 zero bytes and a BIGINT as 8, so the two
# types hash alike for non-negative values and apart for negative ones.
USERS = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, -1, -2, -3, -5, -8, -13, -21, -34]
WORKERS = 4
# User i appears i + 1 times, so the loads tell which worker each key went to.
RECORDS = [u for i, u in enumerate(USERS) for _ in range(i + 1)]


@pytest.fixture
def trace(tmp_path: Path) -> Path:
    path = tmp_path / "clicks.csv"
    rows = [f"{i % 3},{u},{i}" for i, u in enumerate(RECORDS)]
    path.write_text("partition,user_id,amount\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _sql(declared: str) -> str:
    return (f"CREATE TABLE clicks (user_id {declared}, amount DOUBLE) WITH ('connector' = 'kafka');\n"
            "SELECT user_id, SUM(amount) FROM clicks GROUP BY user_id;")


def _expected(declared: str) -> list[int]:
    """Loads as core.engines routes each record's user_id (what ``route --engine flink --types T`` says)."""
    settings = EngineSettings(max_parallelism=max_parallelism_for(WORKERS, EngineSettings()))
    values = np.array(RECORDS, dtype=np.int64) if declared != "STRING" else np.array(
        [str(u) for u in RECORDS], dtype=object)
    workers = get_engine("flink").workers([values], [declared], WORKERS, settings)
    counts = Counter(workers.tolist())
    return [counts.get(w, 0) for w in range(WORKERS)]


@pytest.mark.parametrize("declared", ["INT", "BIGINT", "STRING"])
def test_declared_key_type_routes_like_the_engine(trace: Path, declared: str) -> None:
    r = simulate(_sql(declared), dialect="flink", trace=trace, strategies="always_hash",
                 config=SimulationConfig(workers=WORKERS, processes=0), engine="flink")
    assert list(r.strategies["always_hash"].loads) == _expected(declared)


def test_the_three_types_place_the_same_keys_differently() -> None:
    loads = {t: tuple(_expected(t)) for t in ("INT", "BIGINT", "STRING")}
    assert len(set(loads.values())) == 3, loads  # else the test above could not tell the types apart


def test_synthetic_keys_say_why_a_declared_integer_is_not_used() -> None:
    r = simulate(_sql("BIGINT"), dialect="flink", strategies="always_hash", engine="flink",
                 config=SimulationConfig(records=2_000, keys=50, workers=WORKERS, processes=0))
    assert any("declared BIGINT but synthetic keys are text labels" in w
               for w in r.strategies["always_hash"].warnings)
