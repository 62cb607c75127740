"""Size limits: partitions 1..100,000, workers 1..1,024, records > 0, key counts 1..MAX_KEYS.

Outside a limit the CLI exits 2 with ``error: ...`` naming the option and the range; the config
classes raise :class:`InvalidConfigError`. Values on the limit are accepted (and run).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core import cli
from core.bench.runner import BenchOptions
from core.errors import InvalidConfigError
from core.simulation.config import MAX_PARTITIONS, MAX_WORKERS, SimulationConfig
from core.strategies.base import RoutingContext
from core.workload.schema import MAX_KEYS, ColumnSpec
from core.workload.synthetic import TopicSpec

QUERY = "SELECT merchant_id, COUNT(*) AS n FROM payments GROUP BY merchant_id;\n"


@pytest.fixture()
def query(tmp_path: Path) -> Path:
    path = tmp_path / "q.sql"
    path.write_text(QUERY, encoding="utf-8")
    return path


def _simulate(query: Path, capsys: pytest.CaptureFixture[str], *options: str) -> tuple[int, str]:
    # Small defaults first: the option under test comes last and wins.
    code = cli.main(["simulate", str(query), "--records", "500", "--processes", "0", *options])
    return code, capsys.readouterr().err


def test_the_documented_limits() -> None:
    assert (MAX_PARTITIONS, MAX_WORKERS) == (100_000, 1024)
    assert MAX_KEYS >= 1_000_000


@pytest.mark.parametrize(("options", "fragments"), [
    (["--partitions", "0"], ("--partitions must be an integer in 1..100,000", "got '0'")),
    (["--partitions", "100001"], ("partitions", "100001")),
    (["--source-partitions", "100001"], ("partitions", "100001")),
    (["--workers", "0"], ("--workers", "1..1,024")),
    (["--workers", "1025"], ("workers", "1025")),
    (["--workers", "-3"], ("workers",)),
    (["--records", "0"], ("--records", "in 1..")),
    (["--records", "-5"], ("records", "-5")),
    (["--keys", "0"], ("--keys", "in 1..")),
    (["--keys", str(MAX_KEYS + 1)], ("--keys", f"{MAX_KEYS:,}")),
    (["--keys", str(10**15)], ("--keys",)),
    (["--processes", "-1"], ("processes",)),
    (["--processes", "1025"], ("processes", "1025")),
    (["--batch-size", "0"], ("batch-size",)),
    (["--records", "1e6"], ("--records must be an integer", "'1e6'")),
    (["--workers", "four"], ("--workers must be an integer", "'four'")),
])
def test_simulate_refuses_values_outside_the_limits(query: Path, capsys: pytest.CaptureFixture[str],
                                                   options: list[str], fragments: tuple[str, ...]) -> None:
    code, err = _simulate(query, capsys, *options)
    assert code == 2, err
    assert err.startswith("error: ") and "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, err


@pytest.mark.parametrize("options", [
    ["--partitions", "1", "--workers", "1", "--keys", "1"],
    ["--partitions", str(MAX_PARTITIONS)],
    ["--workers", str(MAX_WORKERS), "--strategies", "always_hash,sticky"],
    ["--records", "1"],
])
def test_simulate_accepts_values_on_the_limits(query: Path, capsys: pytest.CaptureFixture[str],
                                               options: list[str]) -> None:
    code, err = _simulate(query, capsys, *options)
    assert code == 0, err


@pytest.mark.parametrize("value", ["0", "-1", str(MAX_PARTITIONS + 1)])
def test_analyze_refuses_source_partitions_outside_the_limits(query: Path, capsys: pytest.CaptureFixture[str],
                                                              value: str) -> None:
    code = cli.main(["analyze", str(query), "--source-partitions", value])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ") and "partitions" in err, err


@pytest.mark.parametrize("kwargs", [
    {"partitions": 0}, {"partitions": MAX_PARTITIONS + 1}, {"workers": 0}, {"workers": MAX_WORKERS + 1},
    {"records": 0}, {"records": -1}, {"keys": 0}, {"keys": MAX_KEYS + 1}, {"processes": -1},
    {"workers": 2.0}, {"records": True}, {"partitions": "8"},
])
def test_simulation_config_refuses(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidConfigError) as err:
        SimulationConfig(**kwargs)
    assert next(iter(kwargs)) in str(err.value)


def test_simulation_config_accepts_the_limits() -> None:
    config = SimulationConfig(partitions=MAX_PARTITIONS, workers=MAX_WORKERS, records=1, keys=MAX_KEYS)
    assert config.workers == MAX_WORKERS


@pytest.mark.parametrize(("build", "fragment"), [
    (lambda: TopicSpec(partitions=0), "partitions"),
    (lambda: TopicSpec(partitions=MAX_PARTITIONS + 1), "partitions"),
    (lambda: RoutingContext(workers=0), "workers"),
    (lambda: RoutingContext(workers=4, fan_in_target=4), "fan_in_target"),
    (lambda: ColumnSpec.categorical("k", 0), "key count"),
    (lambda: ColumnSpec.categorical("k", MAX_KEYS + 1), "key count"),
    (lambda: BenchOptions(records=0), "records"),
    (lambda: BenchOptions(workers=MAX_WORKERS + 1), "workers"),
    (lambda: BenchOptions(workers=2, processes=3), "processes"),
])
def test_other_config_classes_refuse(build: Any, fragment: str) -> None:
    with pytest.raises(InvalidConfigError) as err:
        build()
    assert fragment in str(err.value)


@pytest.mark.parametrize("options", [["--records", "0"], ["--workers", "1025"], ["--processes", "0"],
                                     ["--workers", "2", "--processes", "3"]])
def test_bench_refuses_values_outside_the_limits(capsys: pytest.CaptureFixture[str],
                                                options: list[str]) -> None:
    code = cli.main(["bench", *options])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ") and "bench" in err, err
