"""Every bad trace raises TraceError naming the file and the row or column, and saying the fix."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from core.errors import PartitionLabError, TraceError
from core.workload.trace import read_trace


def _write(tmp_path: Path, text: str, name: str = "bad.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _fails(path: Path, *fragments: str, consume: bool = False, **kwargs: object) -> str:
    with pytest.raises(TraceError) as err:
        trace = read_trace(path, **kwargs)  # type: ignore[arg-type]
        if consume:
            for _ in trace.batches():
                pass
    message = str(err.value)
    # The file by its base name only: a server's directories never appear in a message.
    assert message.startswith(path.name), message
    assert str(path.parent) not in message, message
    for fragment in fragments:
        assert fragment in message, message
    assert isinstance(err.value, PartitionLabError)
    return message


def test_missing_file(tmp_path: Path) -> None:
    _fails(tmp_path / "nope.csv", "no such trace file")


def test_directory(tmp_path: Path) -> None:
    _fails(tmp_path, "not a file")


_UNREADABLE_CHECK = """
import sys
from core.errors import TraceError
from core.workload.trace import read_trace
try:
    read_trace(sys.argv[1])
except TraceError as exc:
    print(exc)
    sys.exit(0)
sys.exit(3)
"""


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_unreadable_file() -> None:
    # Root reads any file, so as root (CI) the read runs in a child under an unprivileged uid.
    as_root = os.geteuid() == 0
    if as_root and shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv to drop privileges")
    folder = Path(tempfile.mkdtemp(prefix="unreadable-"))
    try:
        folder.chmod(0o755)
        path = _write(folder, "partition\n0\n")
        path.chmod(0)
        if not as_root:
            _fails(path, "permission")
            return
        drop = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        root = Path(__file__).resolve().parents[2]
        proc = subprocess.run([*drop, sys.executable, "-c", _UNREADABLE_CHECK, str(path)], cwd=root,
                              capture_output=True, text=True, timeout=120,
                              env={**os.environ, "PYTHONPATH": str(root)})
        assert proc.returncode == 0, proc.stdout + proc.stderr
        message = proc.stdout.strip()
        assert message.startswith(path.name) and "permission" in message, message
        assert str(folder) not in message, message
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_empty_file(tmp_path: Path) -> None:
    _fails(_write(tmp_path, ""), "empty")


def test_header_only(tmp_path: Path) -> None:
    _fails(_write(tmp_path, "partition,offset,key\n"), "no records")


def test_header_only_parquet(tmp_path: Path) -> None:
    path = tmp_path / "empty.parquet"
    pd.DataFrame({"partition": pd.Series([], dtype="int32")}).to_parquet(path)
    _fails(path, "no records")


def test_missing_partition_column_lists_columns_and_mapping(tmp_path: Path) -> None:
    _fails(_write(tmp_path, "p,key\n0,a\n"), "no 'partition' column", "p, key", "column_map")


@pytest.mark.parametrize(
    ("cell", "fragment"),
    [("abc", "'abc' is not an integer"), ("1.5", "'1.5' is not an integer"), ("-2", "negative"),
     ("", "partition is missing"), ("100000", "out of range")],
)
def test_bad_partition_values_name_the_row(tmp_path: Path, cell: str, fragment: str) -> None:
    _fails(_write(tmp_path, f"partition,key\n0,a\n1,b\n{cell},c\n"), fragment, "data row 3", "line 4")


def test_partition_beyond_declared_count(tmp_path: Path) -> None:
    _fails(_write(tmp_path, "partition\n0\n5\n"), "out of range", "4 partitions", "data row 2", partitions=4)


def test_partition_out_of_range_in_a_later_chunk(tmp_path: Path) -> None:
    rows = "".join(f"{i % 3}\n" for i in range(50)) + "7\n"
    _fails(_write(tmp_path, "partition\n" + rows), "data row 51", partitions=3, chunk_rows=10)


@pytest.mark.parametrize("row", ["0,a,extra", "0"])
def test_ragged_csv_rows(tmp_path: Path, row: str) -> None:
    _fails(_write(tmp_path, f"partition,key\n1,b\n{row}\n"), "line 3", "ragged")


def test_ragged_kcat_row(tmp_path: Path) -> None:
    text = 'partition,offset,value\n0,1,{"a": 1}\n1\n'
    _fails(_write(tmp_path, text), "line 3", "ragged")


def test_corrupt_parquet(tmp_path: Path) -> None:
    _fails(_write(tmp_path, "this is not parquet", "bad.parquet"), "Parquet")
    good = tmp_path / "good.parquet"
    pd.DataFrame({"partition": list(range(100))}).to_parquet(good)
    truncated = tmp_path / "truncated.parquet"
    truncated.write_bytes(good.read_bytes()[:-40])
    _fails(truncated, "Parquet")


@pytest.mark.parametrize("shape", ["kcat", "quoted"])
def test_invalid_json_value_names_the_row(tmp_path: Path, shape: str) -> None:
    values = ['{"a": 1}', '{"a": 2}', '{"a": 3']
    if shape == "kcat":
        text = "partition,value\n" + "".join(f"0,{v}\n" for v in values)
        where = "line 4"
    else:
        text = "partition,value\n" + "".join('0,"' + v.replace('"', '""') + '"\n' for v in values)
        where = "data row 3"
    _fails(_write(tmp_path, text), "not valid JSON", where, consume=True)


def test_json_value_that_is_not_an_object(tmp_path: Path) -> None:
    path = _write(tmp_path, 'partition,value\n0,{"a": 1}\n0,[1, 2]\n')
    _fails(path, "not an object", "line 3", consume=True)


def test_required_column_absent_lists_available(tmp_path: Path) -> None:
    _fails(_write(tmp_path, "partition,key,amount\n0,a,1\n"), "'symbol'", "key, amount",
           required_columns=["symbol"])


def test_column_map_with_unknown_names(tmp_path: Path) -> None:
    _fails(_write(tmp_path, "partition,key\n0,a\n"), "neither is a column", column_map={"x": "y"})


def test_text_in_a_numeric_column_later(tmp_path: Path) -> None:
    rows = "".join(f"0,{i}.5\n" for i in range(20)) + "0,N/A\n"
    _fails(_write(tmp_path, "partition,amount\n" + rows), "'N/A'", "data row 21", consume=True, chunk_rows=5)


def test_bad_timestamp(tmp_path: Path) -> None:
    _fails(_write(tmp_path, "partition,timestamp\n0,1700000000000\n0,yesterday\n"), "'yesterday'",
           "ISO-8601", "data row 2", consume=True)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("partition,key\n0,caf\xe9\n".encode("latin-1"))
    _fails(path, "UTF-8", consume=True)


def test_duplicate_header_names(tmp_path: Path) -> None:
    _fails(_write(tmp_path, "partition,key,key\n0,a,b\n"), "more than once")


@pytest.mark.parametrize("partitions", [0, 100_001])
def test_bad_declared_partition_count(tmp_path: Path, partitions: int) -> None:
    _fails(_write(tmp_path, "partition\n0\n"), "between 1 and 100,000", partitions=partitions)


def test_not_really_gzip(tmp_path: Path) -> None:
    _fails(_write(tmp_path, "partition\n0\n", "fake.csv.gz"), "gzip")
