"""simulate under an engine: always_hash / smart_repartition place records with the engine's hash."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from core.cli import main
from core.engines.settings import engine_settings, script_settings
from core.errors import InvalidConfigError
from core.simulation.api import simulate
from core.simulation.config import SimulationConfig
from tests.engines import reference

KEYS = ["a", "hello", "seven77", "eight888", "a", "AAPL", "日本", "a", "long key of many bytes", "42"]
GROUP = "SELECT k, SUM(v) FROM t GROUP BY k"


@pytest.fixture
def trace(tmp_path: Path) -> Path:
    path = tmp_path / "t.csv"
    rows = [f"{i % 3},{k},{i}" for i, k in enumerate(KEYS)]
    path.write_text("partition,k,v\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def expected_loads(engine: str, workers: int, maxp: int | None = None) -> list[int]:
    counts = Counter(reference.worker(engine, [k], ["STRING"], workers, maxp) for k in KEYS)
    return [counts.get(w, 0) for w in range(workers)]


@pytest.mark.parametrize("engine", ["flink", "spark", "kafka-streams", "velostream", "partition-lab"])
def test_hash_strategies_route_with_the_engine(trace: Path, engine: str) -> None:
    r = simulate(GROUP, trace=trace, strategies="always_hash,smart_repartition",
                 config=SimulationConfig(workers=4, processes=0), engine=engine)
    assert r.engine == engine and r.to_dict()["engine"] == engine
    assert list(r.strategies["always_hash"].loads) == expected_loads(engine, 4)
    assert list(r.strategies["smart_repartition"].loads) == expected_loads(engine, 4)


def test_flink_max_parallelism_option(trace: Path) -> None:
    r = simulate(GROUP, trace=trace, strategies="always_hash",
                 config=SimulationConfig(workers=3, processes=0, engine="flink", max_parallelism=256))
    assert list(r.strategies["always_hash"].loads) == expected_loads("flink", 3, 256)
    with pytest.raises(InvalidConfigError, match="exceeds max parallelism 2"):
        simulate(GROUP, trace=trace, config=SimulationConfig(workers=3, engine="flink", max_parallelism=2))


def test_default_engine_keeps_todays_results() -> None:
    cfg = SimulationConfig(records=20_000, keys=300, workers=5, processes=0, distribution="zipf:1.2")
    before = simulate("SELECT a, b, COUNT(*) FROM t GROUP BY a, b", config=cfg)
    named = simulate("SELECT a, b, COUNT(*) FROM t GROUP BY a, b", config=cfg, engine="partition-lab")
    assert before.engine == "partition-lab"
    assert {n: m.loads for n, m in before.strategies.items()} == {
        n: m.loads for n, m in named.strategies.items()}


def test_engine_routing_is_identical_inline_and_in_processes() -> None:
    sql = "SELECT a, b, COUNT(*) FROM t GROUP BY a, b"
    cfg = SimulationConfig(records=30_000, keys=200, workers=4, distribution="zipf:1.1", engine="spark")
    inline = simulate(sql, config=SimulationConfig(**{**cfg.__dict__, "processes": 0}))
    pooled = simulate(sql, config=SimulationConfig(**{**cfg.__dict__, "processes": 2}))
    assert inline.strategies["always_hash"].loads == pooled.strategies["always_hash"].loads
    assert sum(inline.strategies["always_hash"].loads) == 30_000


def test_engines_place_differently() -> None:
    cfg = SimulationConfig(records=20_000, keys=500, workers=4, processes=0)
    runs = {e: simulate(GROUP, config=cfg, strategies="always_hash", engine=e)
            for e in ("partition-lab", "flink", "spark")}
    loads = {e: r.strategies["always_hash"].loads for e, r in runs.items()}
    assert len(set(loads.values())) == 3
    assert all(sum(v) == 20_000 for v in loads.values())


def test_cli_engine_option(trace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sql = trace.with_suffix(".sql")
    sql.write_text(GROUP, encoding="utf-8")
    assert main(["simulate", str(sql), "--trace", str(trace), "--engine", "flink", "--workers", "4",
                 "--processes", "0", "--json", "--strategies", "always_hash"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["engine"] == "flink"
    assert doc["strategies"]["always_hash"]["loads"] == expected_loads("flink", 4)
    assert main(["simulate", str(sql), "--trace", str(trace), "--engine", "storm"]) == 2
    assert "unknown engine 'storm'" in capsys.readouterr().err


def test_script_settings() -> None:
    sql = "SET 'pipeline.max-parallelism' = '256';\nset spark.sql.shuffle.partitions=8;\nSELECT 1"
    assert script_settings(sql) == {"pipeline.max-parallelism": "256", "spark.sql.shuffle.partitions": "8"}
    routing, shuffle = engine_settings(sql)
    assert (routing.max_parallelism, shuffle) == (256, 8)
    assert engine_settings(sql, max_parallelism=512)[0].max_parallelism == 512
    with pytest.raises(InvalidConfigError, match="expected a positive integer"):
        engine_settings("SET 'pipeline.max-parallelism' = 'lots';")
