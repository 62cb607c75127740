"""Ground truth: core.engines.spark against Spark SQL's ``hash(cols)`` and ``spark_partition_id()``.

Runs in a venv with pyspark (``/work/venv-flink``); skips cleanly without it. One local[2] session
per test session (settings from notes/spark.md). For each key shape: SQL ``hash`` of every key, and
the partition of every key after ``repartition(N, cols)`` for N in 1, 2, 3, 4, 8, 16, 200.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterator
from typing import Any

import pytest

from core.engines import get_engine
from core.engines.spark import spark_hash
from tests.engines import keygen

pytestmark = pytest.mark.spark
pytest.importorskip("pyspark")

PARTITIONS = (1, 2, 3, 4, 8, 16, 200)
PER_SHAPE = 200
_SPARK_TYPES = {"STRING": "string", "BIGINT": "bigint", "INT": "int", "SMALLINT": "smallint",
                "TINYINT": "tinyint", "BOOLEAN": "boolean", "DOUBLE": "double", "FLOAT": "float",
                "DATE": "date"}


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("partition-lab-engines")
               .config("spark.driver.memory", "1g").config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.driver.host", "127.0.0.1").config("spark.sql.adaptive.enabled", "false")
               .getOrCreate())
    yield session
    session.stop()


def _spark_value(kind: str, v: object) -> object:
    if v is not None and kind == "DATE":
        return datetime.date(1970, 1, 1) + datetime.timedelta(days=int(v))  # type: ignore[call-overload]
    return v


def test_hash_and_partition_ids_match_spark(spark: Any) -> None:
    from pyspark.sql import functions as F

    engine = get_engine("spark")
    compared = {"keys": 0, "hashes": 0, "partition_ids": 0}
    for n, shape in enumerate(keygen.SHAPES):
        rows = keygen.keys(shape, PER_SHAPE, seed=300 + n)
        names = [f"c{i}" for i in range(len(shape))]
        schema = ", ".join(f"{c} {_SPARK_TYPES[t]}" for c, t in zip(names, shape, strict=True))
        data = [(i, *(_spark_value(t, v) for t, v in zip(shape, r, strict=True))) for i, r in enumerate(rows)]
        df = spark.createDataFrame(data, f"id int, {schema}")
        theirs = dict(df.select("id", F.hash(*names).alias("h")).collect())
        cols = keygen.columns(rows)
        ours = spark_hash(cols, shape).tolist()
        bad = [(rows[i], ours[i], theirs[i]) for i in range(len(rows)) if ours[i] != theirs[i]]
        assert not bad, f"{shape}: {len(bad)} hash mismatches, e.g. {bad[:3]}"
        compared["keys"] += len(rows)
        compared["hashes"] += len(rows)
        for p in PARTITIONS:
            pid = dict(df.repartition(p, *names).select("id", F.spark_partition_id().alias("p")).collect())
            got = engine.workers(cols, shape, p).tolist()
            bad = [(rows[i], got[i], pid[i]) for i in range(len(rows)) if got[i] != pid[i]]
            assert not bad, f"{shape} N={p}: {len(bad)} partition mismatches, e.g. {bad[:3]}"
            compared["partition_ids"] += len(rows)
    print(f"\nspark ground truth: {compared}")
    assert compared["keys"] >= 2000
