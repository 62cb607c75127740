"""Every vector in shared/notes (flink.md, spark.md, DESIGN.md) through core.engines, exactly."""

from __future__ import annotations

import numpy as np
import pytest

from core.engines import ENGINE_NAMES, EngineSettings, engine_for_dialect, get_engine
from core.engines.flink import default_max_parallelism, key_groups, row_hash_codes
from core.engines.spark import spark_hash
from core.engines.velostream import fnv_hashes
from core.errors import InvalidConfigError
from tests.engines import reference


def cols(*key: object) -> list[np.ndarray]:
    out = []
    for v in key:
        a = np.empty(1, dtype=object)
        a[0] = v
        out.append(a)
    return out


# key, types, hashCode, key group (128), subtask p=4, subtask p=3 maxP=256  (notes/flink.md)
FLINK = [
    (("a",), ("STRING",), 943281246, 4, 0, 0),
    (("hello",), ("STRING",), 243722546, 88, 2, 2),
    (("seven77",), ("STRING",), 1525755972, 118, 3, 1),
    (("eight888",), ("STRING",), 217642644, 4, 0, 1),
    (("",), ("STRING",), 302122119, 102, 3, 1),
    ((42,), ("BIGINT",), 907821237, 69, 2, 2),
    ((-1,), ("BIGINT",), -821098432, 65, 2, 0),
    (("AAPL", 7), ("STRING", "BIGINT"), -1883998331, 36, 1, 1),
    ((None,), ("STRING",), -1748325344, 99, 3, 2),
    (("日本",), ("STRING",), -687604583, 74, 2, 2),
]


@pytest.mark.parametrize(("key", "types", "code", "group", "p4", "p3"), FLINK)
def test_flink_vectors(key: tuple, types: tuple, code: int, group: int, p4: int, p3: int) -> None:
    assert row_hash_codes(cols(*key), types).tolist() == [code]
    assert key_groups(np.array([code]), 128).tolist() == [group]
    flink = get_engine("flink")
    assert flink.workers(cols(*key), types, 4).tolist() == [p4]
    assert flink.workers(cols(*key), types, 3, EngineSettings(max_parallelism=256)).tolist() == [p3]
    assert reference.flink_hash_code(key, types) == code
    assert reference.flink_subtask(key, types, 3, 256) == p3


def test_flink_default_max_parallelism_rule() -> None:
    assert [default_max_parallelism(p) for p in (1, 4, 85, 86, 100, 1000, 30000)] == [
        128, 128, 128, 256, 256, 2048, 32768]


def test_flink_refuses_parallelism_above_max_parallelism() -> None:
    with pytest.raises(InvalidConfigError, match="exceeds max parallelism 8"):
        get_engine("flink").workers(cols("a"), ["STRING"], 9, EngineSettings(max_parallelism=8))
    with pytest.raises(InvalidConfigError, match="1..32768"):
        EngineSettings(max_parallelism=0)


# key, types, hash, N=4, N=200  (notes/spark.md)
SPARK = [
    (("",), ("STRING",), 142593372, 0, 172),
    (("a",), ("STRING",), 1485273170, 2, 170),
    (("abc",), ("STRING",), 1322437556, 0, 156),
    (("abcd",), ("STRING",), -396302900, 0, 100),
    (("hello world",), ("STRING",), -1528836094, 2, 106),
    (("中文",), ("STRING",), -1261019299, 1, 101),
    ((None,), ("STRING",), 42, 2, 42),
    ((0,), ("INT",), 933211791, 3, 191),
    ((-1,), ("INT",), -1604776387, 1, 13),
    ((1,), ("BIGINT",), -1712319331, 1, 69),
    ((1.5,), ("DOUBLE",), 1290763749, 1, 149),
    ((-0.0,), ("DOUBLE",), -1670924195, 1, 5),
    (("user_42", 7), ("STRING", "INT"), -199637932, 0, 68),
    (("a", "b"), ("STRING", "STRING"), 190734147, 3, 147),
    ((None, "x"), ("STRING", "STRING"), -80340190, 2, 10),
]


@pytest.mark.parametrize(("key", "types", "code", "n4", "n200"), SPARK)
def test_spark_vectors(key: tuple, types: tuple, code: int, n4: int, n200: int) -> None:
    assert spark_hash(cols(*key), types).tolist() == [code]
    spark = get_engine("spark")
    assert spark.workers(cols(*key), types, 4).tolist() == [n4]
    assert spark.workers(cols(*key), types, 200).tolist() == [n200]
    assert reference.spark_hash(key, types) == code


def test_spark_double_zero_and_nan_are_canonical() -> None:
    assert spark_hash(cols(-0.0), ["DOUBLE"]).tolist() == spark_hash(cols(0.0), ["DOUBLE"]).tolist()
    nan_a = np.frombuffer(np.uint64(0x7FF8000000000001).tobytes(), dtype=np.float64)[0]
    nan_b = float("nan")
    assert spark_hash(cols(float(nan_a)), ["DOUBLE"]).tolist() == spark_hash(cols(nan_b), ["DOUBLE"]).tolist()


def test_velostream_vector() -> None:
    assert fnv_hashes(cols("trader_1")).tolist() == [0x1BCC3D5C25588C41]
    velo = get_engine("velostream")
    assert velo.workers(cols("trader_1"), ["STRING"], 7).tolist() == [0x1BCC3D5C25588C41 % 7]
    # Display strings back to back: ("trader_", 1) hashes like "trader_1".
    two = get_engine("velostream").workers(cols("trader_", 1), ["STRING", "BIGINT"], 1000)
    assert two.tolist() == [0x1BCC3D5C25588C41 % 1000]


@pytest.mark.parametrize(("key", "signed"), [("21", -973932308), ("foobar", -790332482),
                                              ("a-little-bit-long-string", -985981536), ("abc", 479470107)])
def test_kafka_streams_murmur2_vectors(key: str, signed: int) -> None:
    for p in (1, 3, 12, 100):
        got = get_engine("kafka-streams").workers(cols(key), ["STRING"], p).tolist()
        assert got == [(signed & 0x7FFFFFFF) % p]


def test_kafka_streams_serializes_by_type() -> None:
    ks = get_engine("kafka-streams")
    results = {t: ks.workers(cols(42), [t], 1000).tolist()[0] for t in ("INT", "BIGINT")}
    results["STRING"] = ks.workers(cols("42"), ["STRING"], 1000).tolist()[0]
    expected = {t: reference.kafka_partition([42 if t != "STRING" else "42"], [t], 1000) for t in results}
    assert results == expected
    assert len(set(results.values())) == 3
    with pytest.raises(InvalidConfigError, match="NULL"):
        ks.workers(cols(None), ["STRING"], 4)
    with pytest.raises(InvalidConfigError, match="cannot hash key type BOOLEAN"):
        ks.workers(cols(True), ["BOOLEAN"], 4)


def test_partition_lab_is_todays_default_hash() -> None:
    from core.hashing import worker_of

    pl = get_engine("partition-lab")
    assert pl.workers(cols("k1"), ["STRING"], 7).tolist() == [worker_of(["k1"], 7)]
    assert pl.workers(cols("a", "bc"), ["STRING", "STRING"], 97).tolist() == [worker_of(["a", "bc"], 97)]


def test_registry() -> None:
    assert ENGINE_NAMES == ("partition-lab", "velostream", "flink", "spark", "kafka-streams")
    assert get_engine("Kafka_Streams").name == "kafka-streams"
    names = "valid: partition-lab, velostream, flink, spark, kafka-streams"
    with pytest.raises(InvalidConfigError, match=names):
        get_engine("storm")
    assert engine_for_dialect("ksqldb") == "kafka-streams"
    assert engine_for_dialect("postgres") == "partition-lab"


@pytest.mark.parametrize(("value", "kind", "why"), [
    ("abc", "BIGINT", "not an integer"), (2**70, "BIGINT", "64-bit range"), (2**31, "INT", "32-bit range"),
    (True, "BIGINT", "boolean"), (5, "STRING", "not a string"), (1.5, "INT", "not an integer"),
    ("x", "BOOLEAN", "not a boolean"), ("2024-13-01", "DATE", "not a date"),
])
def test_values_that_do_not_fit_their_type_are_refused(value: object, kind: str, why: str) -> None:
    with pytest.raises(InvalidConfigError, match=why):
        get_engine("flink").workers(cols(value), [kind], 4)
