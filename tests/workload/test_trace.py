"""read_trace(): the supported shapes (plain CSV, kcat JSON values, Parquet) and their batches."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.workload.batch import Batch
from core.workload.trace import read_trace

PLAIN = """partition,offset,key,timestamp,symbol,price,qty
0,10,k1,1700000000000,AAPL,1.5,3
1,11,k2,1700000000001,MSFT,2.5,4
0,11,k1,2024-05-01T12:00:00Z,AAPL,3,5
"""
KCAT = """partition,offset,key,timestamp,value
0,10,k1,1700000000000,{"symbol":"AAPL","price":1.5,"meta":{"venue":"X"}}
1,11,k2,1700000000001,{"symbol": "MSFT", "price": 2.5, "meta": {"venue": "Y"}}
2,12,,1700000000002,{"symbol":"AAPL","price":4,"meta":{"venue":"X"},"partition":9}
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _all(batches: list[Batch], column: str) -> list[str]:
    return [s for b in batches for s in b.strings(column).tolist()]


def test_plain_csv(tmp_path: Path) -> None:
    trace = read_trace(_write(tmp_path, "t.csv", PLAIN), required_columns=["symbol", "price"])
    assert (trace.partitions, trace.records) == (2, 3)
    assert trace.categorical == ("key", "symbol") and trace.numeric == ("price", "qty")
    (batch,) = list(trace.batches())
    np.testing.assert_array_equal(batch.partition, [0, 1, 0])
    np.testing.assert_array_equal(batch.offset, [10, 11, 11])
    np.testing.assert_array_equal(batch.event_time, [1700000000000, 1700000000001, 1714564800000])
    assert batch.strings("symbol").tolist() == ["AAPL", "MSFT", "AAPL"]
    np.testing.assert_allclose(batch.values["price"], [1.5, 2.5, 3.0])
    assert batch.values["qty"].dtype == np.int64


def test_kcat_shape_with_raw_json_values(tmp_path: Path) -> None:
    trace = read_trace(_write(tmp_path, "kcat.csv", KCAT), required_columns=["symbol", "meta.venue"])
    assert trace.partitions == 3 and trace.records == 3
    assert set(trace.columns) == {"key", "symbol", "meta.venue", "price", "value.partition"}
    (batch,) = list(trace.batches())
    np.testing.assert_array_equal(batch.partition, [0, 1, 2])  # the envelope wins over a JSON field
    assert batch.strings("meta.venue").tolist() == ["X", "Y", "X"]
    assert batch.strings("key").tolist() == ["k1", "k2", "null"]  # kcat writes a null key as nothing
    np.testing.assert_allclose(batch.values["price"], [1.5, 2.5, 4.0])


def test_quoted_json_csv_written_by_pandas(tmp_path: Path) -> None:
    frame = pd.DataFrame({
        "partition": [0, 1, 1],
        "value": [json.dumps({"user": f"u{i}", "amount": i}) for i in range(3)],
    })
    path = tmp_path / "quoted.csv"
    frame.to_csv(path, index=False)
    trace = read_trace(path)
    (batch,) = list(trace.batches())
    assert batch.strings("user").tolist() == ["u0", "u1", "u2"]
    np.testing.assert_array_equal(batch.values["amount"], [0, 1, 2])
    np.testing.assert_array_equal(batch.offset, [0, 0, 1])  # no offsets: numbered per partition


def test_parquet_with_struct_value_and_datetimes(tmp_path: Path) -> None:
    frame = pd.DataFrame({
        "p": np.array([3, 0, 3], dtype=np.int32),
        "timestamp": pd.to_datetime([1, 2, 3], unit="s"),
        "value": [{"user_id": 5, "price": 1.0}, {"user_id": 6, "price": 2.0}, {"user_id": 5, "price": 3.0}],
    })
    path = tmp_path / "t.parquet"
    frame.to_parquet(path)
    trace = read_trace(path, column_map={"p": "partition"}, required_columns=["USER_ID"], partitions=8)
    assert trace.partitions == 8 and trace.records == 3
    (batch,) = list(trace.batches())
    np.testing.assert_array_equal(batch.event_time, [1000, 2000, 3000])
    # An integer column the query needs gets codes (for routing) and values (for aggregates).
    assert batch.strings("USER_ID").tolist() == ["5", "6", "5"]
    np.testing.assert_array_equal(batch.values["user_id"], [5, 6, 5])


def test_column_map_either_direction(tmp_path: Path) -> None:
    path = _write(tmp_path, "m.csv", "part,ts,sym\n0,5,A\n1,6,B\n")
    forward = read_trace(path, column_map={"part": "partition", "ts": "timestamp"})
    backward = read_trace(path, column_map={"partition": "part", "timestamp": "ts"})
    for trace in (forward, backward):
        (batch,) = list(trace.batches())
        np.testing.assert_array_equal(batch.event_time, [5, 6])
        assert trace.columns == ("sym",)


def test_chunks_keep_codes_stable_and_vocab_grows(tmp_path: Path) -> None:
    rows = "\n".join(f"{i % 4},{['a', 'b', 'c', 'd', 'e'][min(i // 3, 4)]}" for i in range(15))
    path = _write(tmp_path, "c.csv", "partition,user\n" + rows + "\n")
    batches = list(read_trace(path, chunk_rows=3).batches())
    assert len(batches) >= 2
    assert _all(batches, "user") == [["a", "b", "c", "d", "e"][min(i // 3, 4)] for i in range(15)]
    vocabs = [b.vocab["user"].tolist() for b in batches]
    for earlier, later in zip(vocabs, vocabs[1:], strict=False):
        assert later[: len(earlier)] == earlier
    offsets = np.concatenate([b.offset for b in batches])
    parts = np.concatenate([b.partition for b in batches])
    for p in range(4):
        np.testing.assert_array_equal(offsets[parts == p], np.arange(int(np.sum(parts == p))))
    assert len(list(read_trace(path, chunk_rows=3).batches())) == len(batches)  # re-readable


def test_large_csv_chunked(tmp_path: Path) -> None:
    n = 50_000
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"partition": rng.integers(0, 12, n), "key": [f"k{i % 977}" for i in range(n)],
                          "amount": rng.random(n)})
    path = tmp_path / "big.csv"
    frame.to_csv(path, index=False)
    trace = read_trace(path, chunk_rows=7_000)
    assert trace.records == n and trace.partitions == 12
    batches = list(trace.batches())
    assert sum(len(b) for b in batches) == n and len(batches) > 1
    np.testing.assert_array_equal(np.concatenate([b.partition for b in batches]), frame["partition"])
    assert _all(batches, "key") == frame["key"].tolist()


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_same_records_from_csv_and_parquet(tmp_path: Path, suffix: str) -> None:
    frame = pd.DataFrame({"partition": [1, 0, 1], "key": ["x", "y", "x"], "v": [1.0, 2.0, 3.0]})
    path = tmp_path / f"t{suffix}"
    frame.to_csv(path, index=False) if suffix == ".csv" else frame.to_parquet(path)
    (batch,) = list(read_trace(path).batches())
    assert batch.strings("key").tolist() == ["x", "y", "x"]
    np.testing.assert_array_equal(batch.offset, [0, 0, 1])
    np.testing.assert_array_equal(batch.event_time, [0, 1, 2])  # no timestamps: 1 ms per record


def test_json_fallback_for_mixed_types_lists_and_missing_fields(tmp_path: Path) -> None:
    text = (
        "partition,value\n"
        '0,{"tag": 1, "items": [1, 2], "only_first": "x"}\n'
        '1,{"tag": "one", "items": []}\n'
        "1,\n"
    )
    trace = read_trace(_write(tmp_path, "mixed.csv", text))
    (batch,) = list(trace.batches())
    assert batch.strings("tag").tolist() == ["1", "one", "null"]
    assert batch.strings("items").tolist() == ["[1, 2]", "[]", "null"]
    assert batch.strings("only_first").tolist() == ["x", "null", "null"]


def test_parquet_json_text_value_and_naive_iso_timestamps(tmp_path: Path) -> None:
    frame = pd.DataFrame({
        "partition": [0, 1],
        "timestamp": ["2024-05-01T00:00:00", "2024-05-01T00:00:01.5"],
        "value": ['{"user": "a"}', '{"user": "b"}'],
    })
    path = tmp_path / "j.parquet"
    frame.to_parquet(path)
    (batch,) = list(read_trace(path).batches())
    np.testing.assert_array_equal(batch.event_time, [1714521600000, 1714521601500])
    assert batch.strings("user").tolist() == ["a", "b"]


def test_later_chunk_missing_a_json_field(tmp_path: Path) -> None:
    rows = ['0,{"user": "a", "amount": 1}'] * 3 + ['0,{"user": "b"}'] * 3
    path = _write(tmp_path, "late.csv", "partition,value\n" + "\n".join(rows) + "\n")
    batches = list(read_trace(path, chunk_rows=3).batches())
    assert np.isnan(batches[1].values["amount"]).all()
    assert batches[1].strings("user").tolist() == ["b"] * 3


def test_byte_order_mark_and_crlf_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffpartition,user\r\n0,a\r\n1,b\r\n".encode())
    (batch,) = list(read_trace(path).batches())
    np.testing.assert_array_equal(batch.partition, [0, 1])
    assert batch.strings("user").tolist() == ["a", "b"]
    kcat = tmp_path / "kcat_crlf.csv"
    kcat.write_bytes(b'\xef\xbb\xbfpartition,value\r\n0,{"u": "a"}\r\n1,{"u": "b"}\r\n')
    (batch,) = list(read_trace(kcat).batches())
    assert batch.strings("u").tolist() == ["a", "b"]


def test_empty_csv_cells_are_nulls(tmp_path: Path) -> None:
    (batch,) = list(read_trace(_write(tmp_path, "n.csv", "partition,user,amount\n0,,1\n0,a,\n")).batches())
    assert batch.strings("user").tolist() == ["null", "a"]
    assert batch.values["amount"][0] == 1 and np.isnan(batch.values["amount"][1])


def test_gzipped_csv_both_shapes(tmp_path: Path) -> None:
    import gzip

    plain = tmp_path / "t.csv.gz"
    plain.write_bytes(gzip.compress(PLAIN.encode()))
    (batch,) = list(read_trace(plain).batches())
    assert batch.strings("symbol").tolist() == ["AAPL", "MSFT", "AAPL"]
    kcat = tmp_path / "k.csv.gz"
    kcat.write_bytes(gzip.compress(KCAT.encode()))
    (batch,) = list(read_trace(kcat).batches())
    assert batch.strings("meta.venue").tolist() == ["X", "Y", "X"]
