"""Ground truth from a running job: per-subtask numRecordsIn of a real Flink 2.3 GROUP BY vs the prediction.

notes/flink.md "Measuring per-subtask load": a filesystem CSV source that keeps the job alive, GROUP
BY into a blackhole sink, per-subtask ``numRecordsIn`` of the aggregate read over the local
mini-cluster's REST API until stable, then the job is cancelled. The prediction is
``core.engines.flink`` over the same rows; equality is exact. ~20-40 s a job.
"""

from __future__ import annotations

import json
import socket
import time
import urllib.request
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from core.engines import EngineSettings, get_engine

pytestmark = pytest.mark.flink
pytest.importorskip("pyflink")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _zipf_rows(records: int, keys: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    names = np.array([f"key_{i}" for i in range(keys)], dtype=object)
    ranks = np.minimum(rng.zipf(1.3, records) - 1, keys - 1)
    return names[ranks], (ranks % 7).astype(np.int64)


def _measure(tmp: Path, rows: list[str], ddl: str, select: str, parallelism: int,
             max_parallelism: int | None) -> list[int]:
    from pyflink.common import Configuration
    from pyflink.table import EnvironmentSettings, TableEnvironment

    csv = tmp / "trace.csv"
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    port = _free_port()
    conf = Configuration()
    conf.set_string("rest.bind-port", str(port))
    conf.set_string("rest.address", "127.0.0.1")
    conf.set_string("metrics.fetcher.update-interval", "500")
    env = TableEnvironment.create(
        EnvironmentSettings.new_instance().in_streaming_mode().with_configuration(conf).build())
    env.get_config().set("parallelism.default", str(parallelism))
    if max_parallelism is not None:
        env.get_config().set("pipeline.max-parallelism", str(max_parallelism))
    env.execute_sql(f"CREATE TABLE src ({ddl}) WITH ('connector' = 'filesystem', 'path' = '{csv}', "
                    "'format' = 'csv', 'source.monitor-interval' = '1 h')")
    env.execute_sql("CREATE TABLE snk (c BIGINT) WITH ('connector' = 'blackhole')")
    client = env.execute_sql(f"INSERT INTO snk {select}").get_job_client()
    job = str(client.get_job_id())

    def get(path: str) -> Any:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:  # noqa: S310 (loopback)
            return json.loads(r.read())

    last: list[int] | None = None
    stable, deadline = 0, time.monotonic() + 120
    try:
        while time.monotonic() < deadline and stable < 2:
            time.sleep(0.5)
            try:
                vertex = next(v for v in get(f"/jobs/{job}")["vertices"] if "Aggregate" in v["name"])
                counts = []
                for i in range(vertex["parallelism"]):
                    m = get(f"/jobs/{job}/vertices/{vertex['id']}/subtasks/{i}/metrics?get=numRecordsIn")
                    counts.append(int(float(m[0]["value"])) if m else 0)
            except (OSError, StopIteration, KeyError, ValueError):
                continue
            stable = stable + 1 if counts == last and sum(counts) == len(rows) else 0
            last = counts
    finally:
        client.cancel()
    assert last is not None and sum(last) == len(rows), f"the job never counted every record: {last}"
    return last


def test_string_key_loads_equal_flink_exactly(tmp_path: Path) -> None:
    keys, _ = _zipf_rows(20_000, 500, seed=7)
    measured = _measure(tmp_path, keys.tolist(), "k STRING", "SELECT COUNT(*) FROM src GROUP BY k", 4, None)
    predicted = np.bincount(get_engine("flink").workers([keys], ["STRING"], 4), minlength=4).tolist()
    print(f"\nflink job, STRING key, p=4: measured {measured}, predicted {predicted}")
    assert measured == predicted


def test_two_column_key_with_max_parallelism_equals_flink(tmp_path: Path) -> None:
    keys, numbers = _zipf_rows(12_000, 300, seed=11)
    rows = [f"{k},{n}" for k, n in zip(keys.tolist(), numbers.tolist(), strict=True)]
    measured = _measure(tmp_path, rows, "k STRING, n INT", "SELECT COUNT(*) FROM src GROUP BY k, n", 3, 256)
    engine = get_engine("flink")
    placed = engine.workers([keys, numbers.astype(object)], ["STRING", "INT"], 3, EngineSettings(256))
    predicted = np.bincount(placed, minlength=3).tolist()
    print(f"\nflink job, (STRING, INT) key, p=3, maxP=256: measured {measured}, predicted {predicted}")
    assert measured == predicted
