"""Issue 11's hostile traces, each reproduced from its description: read_trace (and every batch)
either works or raises TraceError with a message naming the row, the column, the value as written
and the limit; no crash, no numpy warning, no quoting of a non-trace file, no server path."""

from __future__ import annotations

import gzip
import resource
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from core.errors import PartitionLabError, TraceError
from core.limits import MAX_PARTITIONS
from core.workload.trace import read_trace
from core.workload.trace.json_scan import scan_json
from core.workload.trace.limits import (
    MAX_COLUMNS,
    MAX_EVENT_TIME_MS,
    MAX_JSON_DEPTH,
    MAX_JSON_FIELDS,
    MAX_LINE_BYTES,
)

# Every test here runs with warnings as errors: a numpy RuntimeWarning leaking is a failure.
pytestmark = pytest.mark.filterwarnings("error")


def _write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _read_all(path: Path, **kwargs: object) -> int:
    trace = read_trace(path, **kwargs)  # type: ignore[arg-type]
    return sum(len(batch.partition) for batch in trace.batches())


def _refused(path: Path, *fragments: str, **kwargs: object) -> str:
    with pytest.raises(TraceError) as err:
        _read_all(path, **kwargs)
    message = str(err.value)
    assert isinstance(err.value, PartitionLabError)
    assert message.startswith(path.name) and str(path.parent) not in message, message
    for fragment in fragments:
        assert fragment in message, message
    return message


def _nested(depth: int) -> str:
    return '{"a": ' * depth + "1" + "}" * depth


# --- JSON values: depth and width bounded before any parser ---------------------------------------

@pytest.mark.parametrize("depth", [20_000, 1_000, MAX_JSON_DEPTH + 1])
def test_deeply_nested_json_value_is_refused_before_parsing(tmp_path: Path, depth: int) -> None:
    # 20,000 levels segfaulted pyarrow's JSON reader; 1,000 gave a RecursionError (issue 11).
    path = _write(tmp_path, "deep.csv", f"partition,offset,value\n0,0,{{\"ok\": 1}}\n0,1,{_nested(depth)}\n")
    _refused(path, "line 3", f"nests {depth:,} levels", f"at most {MAX_JSON_DEPTH}")


def test_deep_json_in_a_quoted_csv_cell_is_refused_too(tmp_path: Path) -> None:
    cell = _nested(5_000).replace('"', '""')
    _refused(_write(tmp_path, "deepq.csv", f'partition,value\n0,"{cell}"\n'), "data row 1", "5,000 levels")


def test_json_at_the_depth_limit_is_read(tmp_path: Path) -> None:
    value = _nested(MAX_JSON_DEPTH)
    path = _write(tmp_path, "ok.csv", f"partition,value\n0,{value}\n1,{value}\n")
    assert _read_all(path) == 2


def test_brackets_inside_strings_and_escaped_quotes_do_not_count() -> None:
    # A string holding [[[[ and an escaped quote followed by more brackets: depth 1, two fields.
    hidden = '{"a": "x\\"[[[[[[[[", "b": "\\\\"}'
    assert scan_json(pa.array([hidden]), max_depth=1, max_fields=2) is None
    # Escaped backslash then a real quote: the string ends, and the brackets after it are real.
    real = '{"a": "x\\\\", "b": [[[[1]]]]}'
    found = scan_json(pa.array(["{}", real]), max_depth=4, max_fields=10)
    assert found is not None and found.row == 1 and found.depth == 5


def test_the_scan_matches_python_json_depth_on_random_values() -> None:
    rng = np.random.default_rng(7)
    values, depths = [], []
    for _ in range(300):
        depth = int(rng.integers(1, 12))
        noise = '"q\\"[{:"' if rng.random() < 0.5 else '"plain"'
        values.append('{"n": ' * (depth - 1) + f'{{"s": {noise}, "t": 1}}' + "}" * (depth - 1))
        depths.append(depth)
    for limit in (3, 6, 9):
        found = scan_json(pa.array(values), max_depth=limit, max_fields=10_000)
        expected = next((i for i, d in enumerate(depths) if d > limit), None)
        assert (found.row if found else None) == expected


def test_json_value_with_8000_fields_is_refused_fast(tmp_path: Path) -> None:
    # 8,000 fields took 43 s (issue 11); now the bound refuses it in a linear scan.
    wide = "{" + ",".join(f'"f{i}": {i}' for i in range(8_000)) + "}"
    start = time.perf_counter()
    _refused(_write(tmp_path, "wide.csv", f"partition,value\n0,{wide}\n"), "8,000 fields",
             f"at most {MAX_JSON_FIELDS:,}")
    assert time.perf_counter() - start < 2


def test_width_handling_is_linear_up_to_the_field_limit(tmp_path: Path) -> None:
    def seconds(fields: int) -> float:
        wide = "{" + ",".join(f'"f{i}": {i}' for i in range(fields)) + "}"
        rows = "".join(f"{r % 4},{wide}\n" for r in range(50))
        path = _write(tmp_path, f"w{fields}.csv", "partition,value\n" + rows)
        start = time.perf_counter()
        assert _read_all(path) == 50
        return time.perf_counter() - start

    small, large = seconds(MAX_JSON_FIELDS // 8), seconds(MAX_JSON_FIELDS)
    # 8x the fields: linear is ~8x; quadratic would be ~64x. Allow noise on a shared machine.
    assert large < 24 * small + 0.5, (small, large)


def test_distinct_field_names_across_rows_are_bounded(tmp_path: Path) -> None:
    # One new field per row: Arrow's inference is fields x rows (20,000 rows: 69 s, 5 GB).
    rows = "".join(f'0,{{"u{i}": 1}}\n' for i in range(20_000))
    start = time.perf_counter()
    _refused(_write(tmp_path, "uniq.csv", "partition,value\n" + rows), "distinct fields",
             f"at most {MAX_JSON_FIELDS:,}")
    assert time.perf_counter() - start < 5


# --- CSV: line length, column count, NULs, gzip -------------------------------------------------

def test_a_100000_column_csv_is_refused_up_front(tmp_path: Path) -> None:
    header = ",".join(f"c{i}" for i in range(100_000))
    start = time.perf_counter()
    _refused(_write(tmp_path, "cols.csv", header + "\n" + ",".join("0" * 100_000) + "\n"),
             "100,000 columns", f"at most {MAX_COLUMNS:,}")
    assert time.perf_counter() - start < 2


def test_a_sparse_all_nul_file_is_refused_early_in_constant_memory(tmp_path: Path) -> None:
    # 2 GB of NULs (sparse, so no disk cost): it was read as one 2 GB line with 4.2 GB of memory.
    path = tmp_path / "nul.csv"
    with path.open("wb") as handle:
        handle.truncate(2 << 30)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    _refused(path, "NUL byte", "byte 0")
    assert time.perf_counter() - start < 2
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 64, grown_mb


def test_a_nul_byte_in_a_cell_is_refused(tmp_path: Path) -> None:
    _refused(_write(tmp_path, "nul.csv", b"partition,key\n0,a\x00b\n"), "NUL byte", "byte 17")


def test_a_line_over_the_limit_is_refused_without_reading_it_whole(tmp_path: Path) -> None:
    body = b"partition,key\n0,a\n0," + b"x" * (MAX_LINE_BYTES + 10) + b"\n0,b\n"
    _refused(_write(tmp_path, "long.csv", body), f"longer than {MAX_LINE_BYTES:,} bytes", "byte 18")


def test_a_line_just_under_the_limit_is_read(tmp_path: Path) -> None:
    body = b"partition,key\n0," + b"x" * (MAX_LINE_BYTES - 4) + b"\n1,b\n"
    assert _read_all(_write(tmp_path, "long.csv", body)) == 2


def test_a_truncated_gzip_csv_is_a_clean_error(tmp_path: Path) -> None:
    data = gzip.compress(("partition,key\n" + "".join(f"{i % 3},k{i}\n" for i in range(50_000))).encode())
    _refused(_write(tmp_path, "trace.csv.gz", data[: len(data) // 2]), "gzip", "truncated or corrupt")


def test_a_good_gzip_csv_is_read(tmp_path: Path) -> None:
    data = gzip.compress(("partition,key\n" + "".join(f"{i % 3},k{i}\n" for i in range(5_000))).encode())
    assert _read_all(_write(tmp_path, "trace.csv.gz", data)) == 5_000


# --- Parquet: every column type checked from the schema ----------------------------------------

def _parquet(tmp_path: Path, name: str, table: pa.Table) -> Path:
    path = tmp_path / name
    pq.write_table(table, path)
    return path


@pytest.mark.parametrize(("column", "fragment"), [
    (pa.array([[0], [1]]), "list"),
    (pa.array([{"a": 0}, {"a": 1}]), "struct"),
    (pa.array([True, False]), "bool"),
])
def test_parquet_partition_column_of_a_wrong_type(tmp_path: Path, column: pa.Array, fragment: str) -> None:
    path = _parquet(tmp_path, "p.parquet", pa.table({"partition": column}))
    _refused(path, "column 'partition'", fragment, "expected an integer column")


def test_parquet_uint64_partition_at_2_64_minus_1(tmp_path: Path) -> None:
    path = _parquet(tmp_path, "u.parquet", pa.table({"partition": pa.array([0, 2**64 - 1], pa.uint64())}))
    _refused(path, "row 2", "18446744073709551615", "out of range", f"0..{MAX_PARTITIONS - 1:,}")


def test_parquet_uint64_partition_that_fits_is_read(tmp_path: Path) -> None:
    path = _parquet(tmp_path, "u.parquet", pa.table({"partition": pa.array([0, 3], pa.uint64())}))
    assert read_trace(path).partitions == 4


@pytest.mark.parametrize("column", [pa.array([[0], [1]]), pa.array([{"a": 0}, {"a": 1}]),
                                    pa.array([[("k", 1)], [("k", 2)]], pa.map_(pa.string(), pa.int64()))])
def test_parquet_data_columns_must_be_scalars(tmp_path: Path, column: pa.Array) -> None:
    path = _parquet(tmp_path, "d.parquet", pa.table({"partition": [0, 1], "x": column}))
    _refused(path, "column 'x'", "data columns must hold one number, text or time per row")


def test_parquet_value_struct_is_flattened_at_every_level(tmp_path: Path) -> None:
    value = pa.array([{"a": 1, "m": {"v": "x"}}, {"a": 2, "m": {"v": "y"}}])
    trace = read_trace(_parquet(tmp_path, "v.parquet", pa.table({"partition": [0, 1], "value": value})))
    assert set(trace.columns) == {"a", "m.v"}
    assert sum(len(b.partition) for b in trace.batches()) == 2


def test_parquet_value_struct_with_a_list_leaf_is_refused(tmp_path: Path) -> None:
    value = pa.array([{"a": [1]}, {"a": [2]}])
    path = _parquet(tmp_path, "v.parquet", pa.table({"partition": [0, 1], "value": value}))
    _refused(path, "field 'value.a'", "scalars")


def test_parquet_timestamp_ns_at_2_62_is_read(tmp_path: Path) -> None:
    stamps = pa.array([2**62, 2**62 + 1], pa.timestamp("ns"))  # 2116-02-20, not a whole ms
    path = _parquet(tmp_path, "t.parquet", pa.table({"partition": [0, 1], "timestamp": stamps}))
    batch = next(read_trace(path).batches())
    assert batch.event_time.tolist() == [2**62 // 1_000_000] * 2


def test_parquet_timestamp_ms_beyond_year_9999_is_refused(tmp_path: Path) -> None:
    stamps = pa.array([0, 2**62], pa.timestamp("ms"))
    path = _parquet(tmp_path, "t.parquet", pa.table({"partition": [0, 1], "timestamp": stamps}))
    _refused(path, "row 2", "timestamp", "out of range", f"0..{MAX_EVENT_TIME_MS:,}", "9999-12-31")


# --- Numbers range-checked, named as written ------------------------------------------------------

@pytest.mark.parametrize(("cell", "fragment"), [
    ("1e20", "'1e20' is out of range"),
    (str(2**63), f"'{2**63}' is out of range"),
    ("inf", "'inf' is not an integer"),
    ("-inf", "'-inf' is not an integer"),
    ("nan", "'nan' is not an integer"),
    ("-1e20", "'-1e20' is negative"),
])
def test_absurd_partitions_are_named_as_written(tmp_path: Path, cell: str, fragment: str) -> None:
    # These were reported as "-9223372036854775808 is negative", with a RuntimeWarning (issue 11).
    message = _refused(_write(tmp_path, "p.csv", f"partition,key\n0,a\n{cell},b\n"), fragment, "data row 2")
    assert "-9223372036854775808" not in message


def test_partition_range_is_stated(tmp_path: Path) -> None:
    _refused(_write(tmp_path, "p.csv", "partition\n0\n100000\n"), f"valid: 0..{MAX_PARTITIONS - 1:,}")


@pytest.mark.parametrize("cell", ["1e300", "-5", "253402300800000", "1e20"])
def test_timestamps_outside_1970_to_9999_are_refused(tmp_path: Path, cell: str) -> None:
    path = _write(tmp_path, "t.csv", f"partition,timestamp\n0,1700000000000\n0,{cell}\n")
    _refused(path, "data row 2", f"timestamp '{cell}'", "out of range", "1970-01-01 to 9999-12-31")


def test_a_timestamp_on_the_last_millisecond_of_9999_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path, "t.csv", f"partition,timestamp\n0,0\n0,{MAX_EVENT_TIME_MS}\n")
    assert next(read_trace(path).batches()).event_time.tolist() == [0, MAX_EVENT_TIME_MS]


@pytest.mark.parametrize(("cell", "fragment"), [
    ("1e20", "'1e20' is out of range"), ("-3", "'-3' is negative"),
    (str(2**63), "is out of range"), ("1.5", "'1.5' is not an integer"),
])
def test_offsets_are_range_checked(tmp_path: Path, cell: str, fragment: str) -> None:
    path = _write(tmp_path, "o.csv", f"partition,offset\n0,1\n0,{cell}\n")
    _refused(path, "data row 2", fragment, "0..9,223,372,036,854,775,807")


def test_the_largest_offset_is_read_exactly(tmp_path: Path) -> None:
    path = _write(tmp_path, "o.csv", f"partition,offset\n0,0\n0,{2**63 - 1}\n")
    assert next(read_trace(path).batches()).offset.tolist() == [0, 2**63 - 1]


def test_parquet_uint64_offset_past_int64_is_refused(tmp_path: Path) -> None:
    table = pa.table({"partition": [0, 0], "offset": pa.array([1, 2**64 - 1], pa.uint64())})
    _refused(_parquet(tmp_path, "o.parquet", table), "row 2", "offset 18446744073709551615", "out of range")


def test_an_infinite_data_value_is_refused(tmp_path: Path) -> None:
    rows = "".join(f"0,{i}.5\n" for i in range(5)) + "0,inf\n"
    _refused(_write(tmp_path, "a.csv", "partition,amount\n" + rows), "column 'amount'", "'inf'", "finite")


def test_huge_but_finite_data_values_are_kept(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", "partition,amount\n0,1e300\n0,99999999999999999999\n")
    values = next(read_trace(path).batches()).values["amount"]
    assert values.tolist() == [1e300, 1e20]


# --- Messages: no file contents of non-traces, no server paths ---------------------------------

@pytest.mark.parametrize("first_line", [
    "root:$6$saltsalt$hashhashhash:19000:0:99999:7:::",
    "secret-token=abc123; user=admin",
    "\u00ff\u00fe binary-ish <<>>",
])
def test_a_non_trace_file_is_not_echoed(tmp_path: Path, first_line: str) -> None:
    path = _write(tmp_path, "shadow", first_line + "\nsecond line\n")
    message = _refused(path, "not a trace", "expected a header row")
    for piece in ("root", "$6$", "abc123", "admin", "second line", "<<>>"):
        assert piece not in message, message


def test_non_utf8_header_says_the_byte_not_the_bytes(tmp_path: Path) -> None:
    message = _refused(_write(tmp_path, "x.csv", b"caf\xe9,partition\n0,0\n"), "not UTF-8", "byte 3")
    assert "caf" not in message


def test_a_trace_header_is_still_listed_to_help_mapping(tmp_path: Path) -> None:
    _refused(_write(tmp_path, "t.csv", "p,key\n0,a\n"), "no 'partition' column", "p, key")


def test_messages_name_the_file_by_base_name(tmp_path: Path) -> None:
    deep = tmp_path / "srv" / "uploads" / "tmpab12"
    deep.mkdir(parents=True)
    message = _refused(_write(deep, "trace.csv", "partition\n0\n-1\n"), "negative")
    assert "uploads" not in message and "/" not in message.split(":")[0]


def test_a_ragged_row_of_invalid_utf8_is_one_clean_error(tmp_path: Path) -> None:
    # pyarrow's invalid-row callback cannot decode such a row and printed "Exception ignored ...
    # Traceback" to stderr; the guarded stream refuses the bytes first (warnings are errors here).
    path = _write(tmp_path, "bad.csv", b"partition,key\n0,a\n0,b,\xb1\xb1\n")
    _refused(path, "not UTF-8", "byte 22")
