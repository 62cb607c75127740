"""Ground truth: core.engines.flink against Flink 2.3's own classes (BinaryRowData, key groups).

Runs in a venv with apache-flink (``/work/venv-flink``); skips cleanly without it. One JVM per
session (PyFlink's py4j gateway). Keys are built with ``BinaryRowWriter`` exactly as the SQL key
selector does, then ``hashCode()`` and ``KeyGroupRangeAssignment.assignKeyToParallelOperator`` are
compared with the vectorized reproduction for every key, parallelism and max parallelism.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pytest

from core.engines import EngineSettings, get_engine
from core.engines.flink import default_max_parallelism, row_hash_codes
from tests.engines import keygen

pytestmark = pytest.mark.flink
pytest.importorskip("pyflink")

PARALLELISMS = (1, 2, 3, 4, 7, 8, 100)
MAX_PARALLELISMS = (None, 128, 256, 1000, 32768)
PER_SHAPE = 200  # 13 shapes x 200 = 2,600 keys


@pytest.fixture(scope="session")
def jvm() -> Any:
    os.environ.setdefault("JVM_ARGS", "-Xmx768m -XX:+UseSerialGC")
    from pyflink.java_gateway import get_gateway

    return get_gateway().jvm


def _java_number(v: object) -> str:
    f = float(v)  # type: ignore[arg-type]
    if f != f:
        return "NaN"
    if f in (float("inf"), float("-inf")):
        return "Infinity" if f > 0 else "-Infinity"
    return repr(f)


def _write(jvm: Any, writer: Any, i: int, kind: str, v: object) -> None:
    if v is None:
        writer.setNullAt(i)
    elif kind == "STRING":
        writer.writeString(i, jvm.org.apache.flink.table.data.StringData.fromString(v))
    elif kind == "BIGINT":
        writer.writeLong(i, jvm.java.lang.Long.valueOf(str(v)))
    elif kind in ("INT", "DATE"):
        writer.writeInt(i, jvm.java.lang.Integer.valueOf(str(v)))
    elif kind == "SMALLINT":
        writer.writeShort(i, jvm.java.lang.Short.valueOf(str(v)))
    elif kind == "TINYINT":
        writer.writeByte(i, jvm.java.lang.Byte.valueOf(str(v)))
    elif kind == "BOOLEAN":
        writer.writeBoolean(i, bool(v))
    elif kind == "DOUBLE":
        writer.writeDouble(i, jvm.java.lang.Double.valueOf(_java_number(v)))
    elif kind == "FLOAT":
        writer.writeFloat(i, jvm.java.lang.Float.valueOf(_java_number(v)))


def _flink_rows(jvm: Any, shape: tuple[str, ...], rows: list[tuple[object, ...]]) -> list[Any]:
    binary = jvm.org.apache.flink.table.data.binary
    out = []
    for row in rows:
        data = binary.BinaryRowData(len(shape))
        writer = jvm.org.apache.flink.table.data.writer.BinaryRowWriter(data)
        for i, (kind, v) in enumerate(zip(shape, row, strict=True)):
            _write(jvm, writer, i, kind, v)
        writer.complete()
        out.append(data)
    return out


def test_hash_codes_and_subtasks_match_flink(jvm: Any) -> None:
    assign = jvm.org.apache.flink.runtime.state.KeyGroupRangeAssignment
    flink = get_engine("flink")
    compared = {"keys": 0, "hash_codes": 0, "placements": 0}
    for n, shape in enumerate(keygen.SHAPES):
        rows = keygen.keys(shape, PER_SHAPE, seed=100 + n)
        java_rows = _flink_rows(jvm, shape, rows)
        cols = keygen.columns(rows)
        ours = row_hash_codes(cols, shape).tolist()
        theirs = [r.hashCode() for r in java_rows]
        mismatches = [(rows[i], ours[i], theirs[i]) for i in range(len(rows)) if ours[i] != theirs[i]]
        assert not mismatches, f"{shape}: {len(mismatches)} hashCode mismatches, e.g. {mismatches[:3]}"
        compared["keys"] += len(rows)
        compared["hash_codes"] += len(rows)
        for p in PARALLELISMS:
            for maxp in MAX_PARALLELISMS:
                m = maxp or default_max_parallelism(p)
                if p > m:
                    continue
                got = flink.workers(cols, shape, p, EngineSettings(max_parallelism=m)).tolist()
                want = [assign.assignKeyToParallelOperator(r, m, p) for r in java_rows[:50]]
                assert got[:50] == want, f"{shape} p={p} maxP={m}"
                # The rest through Flink's key-group arithmetic on the (already equal) hash codes.
                groups = [assign.computeKeyGroupForKeyHash(h, m) for h in theirs[50:]]
                rest = [assign.computeOperatorIndexForKeyGroup(m, p, g) for g in groups]
                assert got[50:] == rest, f"{shape} p={p} maxP={m}"
                compared["placements"] += len(rows)
    print(f"\nflink ground truth: {compared}")
    assert compared["keys"] >= 2000


def test_default_max_parallelism_matches_flink(jvm: Any) -> None:
    assign = jvm.org.apache.flink.runtime.state.KeyGroupRangeAssignment
    for p in (1, 4, 85, 86, 100, 171, 1000, 22000, 30000):
        assert default_max_parallelism(p) == assign.computeDefaultMaxParallelism(p)


def test_notes_vectors_through_flink(jvm: Any) -> None:
    rows = [("a",), ("hello",), ("seven77",), ("eight888",), ("",), (None,), ("日本",)]
    java = _flink_rows(jvm, ("STRING",), rows)
    assert [r.hashCode() for r in java] == row_hash_codes(keygen.columns(rows), ["STRING"]).tolist()
    assert np.array_equal(row_hash_codes(keygen.columns(rows), ["STRING"])[:2], [943281246, 243722546])
