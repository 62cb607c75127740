"""Mutation fuzzing of trace files: reading either works or raises TraceError, in bounded time
and memory, with no warning and no traceback.

Small valid traces (plain CSV, kcat CSV with raw JSON values, CSV with quoted JSON, gzip CSV,
Parquet, Parquet with a ``value`` struct) are mutated — truncated, bytes flipped, NULs or random
bytes inserted, lines dropped or duplicated, JSON nested deep, rows or values widened, cells
replaced by huge numbers or wrong types — and Parquet tables are also generated with random column
types. Each input goes through ``read_trace`` and every batch. A per-input alarm turns a hang into
a failure; peak RSS growth over the run is bounded. The counts (inputs, accepted, clean errors,
failures) are printed at the end of the module (``-s`` shows them).

120 examples per family by default (a few seconds); ``pytest -m slow tests/fuzz`` runs 1,500 per
family. One test runs the file-level cases of issue 11 through ``partition-lab simulate --trace``
in a child process, so even a native crash would show as a failure, not kill the test run.
"""

from __future__ import annotations

import gzip
import io
import json
import resource
import subprocess
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import TraceError
from core.workload.trace import read_trace
from tests.fuzz.deadline import deadline

COUNTS: Counter[str] = Counter()
PEAK: dict[str, float] = {"rss growth MB": 0, "slowest input s": 0.0}
SECONDS_PER_INPUT = 10
RSS_GROWTH_MB = 768
FAST, SLOW = 120, 1_500
_SETTINGS = {"deadline": None, "derandomize": True, "database": None,
             "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large]}

HEADER = "partition,offset,key,timestamp,merchant_id,amount"
ROWS = [f"{i % 4},{i},k{i % 7},{1_700_000_000_000 + i * 250},m{i % 5},{i * 1.5}" for i in range(40)]
PLAIN = (HEADER + "\n" + "\n".join(ROWS) + "\n").encode()
_VALUES = [json.dumps({"merchant_id": f"m{i % 5}", "amount": i * 1.5, "meta": {"venue": f"v{i % 3}"}})
           for i in range(40)]
KCAT = ("partition,offset,key,timestamp,value\n" + "".join(
    f"{i % 4},{i},k{i % 7},{1_700_000_000_000 + i},{v}\n" for i, v in enumerate(_VALUES))).encode()
QUOTED = ("partition,offset,value\n" + "".join(
    f'{i % 4},{i},"{v.replace(chr(34), chr(34) * 2)}"\n' for i, v in enumerate(_VALUES))).encode()


def _parquet_bytes(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


PARQUET = _parquet_bytes(pa.table({
    "partition": pa.array([i % 4 for i in range(40)], pa.int32()), "offset": list(range(40)),
    "key": [f"k{i % 7}" for i in range(40)], "merchant_id": [f"m{i % 5}" for i in range(40)],
    "amount": [i * 1.5 for i in range(40)],
}))
PARQUET_VALUE = _parquet_bytes(pa.table({
    "partition": [i % 4 for i in range(40)],
    "value": pa.array([{"merchant_id": f"m{i % 5}", "meta": {"venue": f"v{i % 3}"}} for i in range(40)]),
}))
SEEDS = {"plain.csv": PLAIN, "kcat.csv": KCAT, "quoted.csv": QUOTED, "trace.csv.gz": gzip.compress(PLAIN),
         "trace.parquet": PARQUET, "value.parquet": PARQUET_VALUE}
HUGE = ["1e20", "-1e20", "inf", "-inf", "nan", "NaN", str(2**63), str(2**64 - 1), "1e300", "-0", "",
        "99999999999999999999", "0x10", "1_000", "  7 ", "٣", "null", "true", '"5"', "1e-400", "-1"]


_START_RSS = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _check(path: Path) -> None:
    """read_trace + every batch: works or TraceError; nothing else, no warning, bounded."""
    COUNTS["inputs"] += 1
    start = time.perf_counter()
    try:
        with warnings.catch_warnings(), deadline(SECONDS_PER_INPUT):
            warnings.simplefilter("error")
            trace = read_trace(path, chunk_rows=16)
            rows = sum(len(batch.partition) for batch in trace.batches())
        assert rows == trace.records
        COUNTS["accepted"] += 1
    except TraceError as exc:
        message = str(exc)
        assert message.startswith(path.name) and str(path.parent) not in message, message
        COUNTS["clean errors"] += 1
    except BaseException:
        COUNTS["failures"] += 1
        raise
    PEAK["slowest input s"] = max(PEAK["slowest input s"], round(time.perf_counter() - start, 2))
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - _START_RSS) / 1024
    PEAK["rss growth MB"] = max(PEAK["rss growth MB"], round(grown))
    assert grown < RSS_GROWTH_MB, f"peak RSS grew {grown:.0f} MB"


# --- mutations -----------------------------------------------------------------------------------

def _nest(depth: int) -> bytes:
    return ('{"a": ' * depth + "1" + "}" * depth).encode()


@st.composite
def _mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(SEEDS)))
    data = SEEDS[name]
    text_like = not name.endswith((".gz", ".parquet"))
    if name.endswith(".gz") and draw(st.booleans()):
        # Mutate the CSV inside, then compress: reaches the CSV checks through gzip.
        inner = draw(_text_mutations(PLAIN))
        return name, gzip.compress(inner)
    if text_like and draw(st.booleans()):
        return name, draw(_text_mutations(data))
    return name, draw(_byte_mutations(data))


@st.composite
def _byte_mutations(draw: st.DrawFn, data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["truncate", "flip", "nul", "insert", "delete"]))
        at = draw(st.integers(0, max(0, len(buf) - 1)))
        if op == "truncate":
            del buf[at:]
        elif op == "flip" and buf:
            buf[at] ^= draw(st.integers(1, 255))
        elif op == "nul":
            buf[at:at] = b"\0" * draw(st.integers(1, 8))
        elif op == "insert":
            buf[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif op == "delete":
            del buf[at:at + draw(st.integers(1, 32))]
    return bytes(buf)


@st.composite
def _text_mutations(draw: st.DrawFn, data: bytes) -> bytes:
    lines = data.split(b"\n")
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["cell", "nest", "widen", "fields", "drop", "dup", "long", "quote"]))
        row = draw(st.integers(1, max(1, len(lines) - 2)))
        cells = lines[row].split(b",")
        if op == "cell" and cells:
            col = draw(st.integers(0, len(cells) - 1))
            cells[col] = draw(st.sampled_from(HUGE)).encode() if draw(st.booleans()) else draw(
                st.text(max_size=8)).encode("utf-8", "surrogatepass")
            lines[row] = b",".join(cells)
        elif op == "nest":
            depth = draw(st.sampled_from([10, 63, 64, 65, 1_000, 30_000]))
            lines[row] = b",".join([*cells[:2], _nest(depth)])
        elif op == "widen":
            extra = draw(st.sampled_from([1, 50, 999, 1_000, 5_000]))
            lines[0] = lines[0] + b"," + b",".join(b"x%d" % i for i in range(extra))
        elif op == "fields":
            count = draw(st.sampled_from([10, 999, 1_001, 8_000]))
            wide = b"{" + b",".join(b'"f%d": %d' % (i, i) for i in range(count)) + b"}"
            lines[row] = b",".join([*cells[:2], wide])
        elif op == "drop":
            del lines[row]
        elif op == "dup":
            lines.insert(row, lines[row])
        elif op == "long":
            lines[row] = lines[row] + b"x" * draw(st.sampled_from([1_000, (4 << 20) + 1]))
        elif op == "quote":
            lines[row] = b'"' + lines[row]
    return b"\n".join(lines)


_SCALARS = [pa.int8(), pa.int64(), pa.uint32(), pa.uint64(), pa.float32(), pa.float64(), pa.string(),
            pa.bool_(), pa.binary(), pa.timestamp("s"), pa.timestamp("ms"), pa.timestamp("ns"), pa.date32(),
            pa.decimal128(20, 2), pa.null(), pa.dictionary(pa.int32(), pa.string())]


@st.composite
def _parquet_table(draw: st.DrawFn) -> bytes:
    """Random column types for the envelope and data columns, with extreme values."""
    rows = draw(st.integers(1, 20))

    def column(kind: pa.DataType) -> pa.Array:
        return _values_of(draw, kind, rows)

    columns: dict[str, pa.Array] = {}
    for name in ("partition", "offset", "timestamp", "value", "key", "x"):
        if name != "partition" and draw(st.booleans()):
            continue
        kind = draw(st.sampled_from([*_SCALARS, pa.list_(pa.int64()), pa.struct([("a", pa.int64())]),
                                     pa.map_(pa.string(), pa.int64())]))
        columns[name] = column(kind)
    return _parquet_bytes(pa.table(columns))


def _values_of(draw: st.DrawFn, kind: pa.DataType, rows: int) -> pa.Array:
    if pa.types.is_integer(kind):
        info = {8: 127, 32: 2**31 - 1, 64: 2**63 - 1}[kind.bit_width]
        low = 0 if pa.types.is_unsigned_integer(kind) else -info - 1
        high = 2 ** kind.bit_width - 1 if pa.types.is_unsigned_integer(kind) else info
        choices = [v for v in (low, high, 0, 1, 3, 99_999, 100_000) if low <= v <= high]
        values = draw(st.lists(st.sampled_from(choices), min_size=rows, max_size=rows))
        return pa.array(values, kind)
    if pa.types.is_floating(kind):
        floats = [0.0, 1.0, 2.5, 1e20, -1.0, float("inf"), float("nan"), 1e300]
        values = draw(st.lists(st.sampled_from(floats), min_size=rows, max_size=rows))
        return pa.array(values, kind)
    if pa.types.is_timestamp(kind):
        top = {"s": 2**33, "ms": 2**62, "ns": 2**62}[kind.unit]
        values = draw(st.lists(st.sampled_from([0, 1, top, -1]), min_size=rows, max_size=rows))
        return pa.array(values, kind)
    if pa.types.is_decimal(kind):
        return pa.array([None] * rows, kind)
    if pa.types.is_dictionary(kind):
        return pa.array([f"d{i % 3}" for i in range(rows)]).dictionary_encode()
    if pa.types.is_list(kind):
        return pa.array([[i] for i in range(rows)], kind)
    if pa.types.is_struct(kind):
        return pa.array([{"a": i} for i in range(rows)], kind)
    if pa.types.is_map(kind):
        return pa.array([[("k", i)] for i in range(rows)], kind)
    if kind == pa.bool_():
        return pa.array([i % 2 == 0 for i in range(rows)])
    if kind == pa.date32():
        days = draw(st.lists(st.sampled_from([0, 2_932_896, -1]), min_size=rows, max_size=rows))
        return pa.array(days, kind)
    if kind == pa.null():
        return pa.nulls(rows)
    texts = draw(st.lists(st.sampled_from(HUGE + ["0", "2", '{"a": 1}', _nest(100).decode()]), min_size=rows,
                          max_size=rows))
    return pa.array(texts, kind) if kind == pa.string() else pa.array([t.encode() for t in texts], kind)


# --- the properties ------------------------------------------------------------------------------

def _run(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    _check(path)


@settings(max_examples=FAST, **_SETTINGS)  # type: ignore[arg-type]
@given(case=_mutated())
def test_mutated_traces_read_or_fail_cleanly(tmp_path: Path, case: tuple[str, bytes]) -> None:
    _run(tmp_path, *case)


@settings(max_examples=FAST // 2, **_SETTINGS)  # type: ignore[arg-type]
@given(data=_parquet_table())
def test_parquet_of_any_column_types_reads_or_fails_cleanly(tmp_path: Path, data: bytes) -> None:
    _run(tmp_path, "typed.parquet", data)


@pytest.mark.slow
@settings(max_examples=SLOW, **_SETTINGS)  # type: ignore[arg-type]
@given(case=_mutated())
def test_many_mutated_traces(tmp_path: Path, case: tuple[str, bytes]) -> None:
    _run(tmp_path, *case)


@pytest.mark.slow
@settings(max_examples=SLOW, **_SETTINGS)  # type: ignore[arg-type]
@given(data=_parquet_table())
def test_many_typed_parquet_files(tmp_path: Path, data: bytes) -> None:
    _run(tmp_path, "typed.parquet", data)


def test_the_seeds_are_accepted(tmp_path: Path) -> None:
    # Control: unmutated, every seed reads, so the refusals above come from the mutations.
    for name, data in SEEDS.items():
        path = tmp_path / name
        path.write_bytes(data)
        assert sum(len(b.partition) for b in read_trace(path).batches()) == 40, name


# --- through the CLI, in a child process ---------------------------------------------------------

QUERY = "SELECT merchant_id, COUNT(*) AS n, SUM(amount) AS total FROM payments GROUP BY merchant_id;\n"
_CHILD = """
import contextlib, io, json, sys
from core import cli
out = {}
for trace in sys.argv[2:]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(["simulate", sys.argv[1], "--trace", trace, "--processes", "0"])
    out[trace] = [code, err.getvalue()]
print(json.dumps(out))
"""


def _issue_cases(tmp_path: Path) -> dict[str, bytes]:
    wide = b"{" + b",".join(b'"f%d": %d' % (i, i) for i in range(8_000)) + b"}"
    data = gzip.compress(PLAIN * 50)
    return {
        "good.csv": PLAIN,
        "deep.csv": b"partition,offset,value\n0,0," + _nest(20_000) + b"\n",
        "wide.csv": b"partition,offset,value\n0,0," + wide + b"\n",
        "cols.csv": b",".join(b"c%d" % i for i in range(100_000)) + b"\n0\n",
        "nul.csv": b"\0" * 100_000,
        "cut.csv.gz": data[: len(data) // 2],
        "u64.parquet": _parquet_bytes(pa.table({"partition": pa.array([0, 2**64 - 1], pa.uint64())})),
        "list.parquet": _parquet_bytes(pa.table({"partition": [0, 1], "x": pa.array([[1], [2]])})),
        "ts.parquet": _parquet_bytes(pa.table({
            "partition": [0, 1], "merchant_id": ["a", "b"], "amount": [1, 2],
            "timestamp": pa.array([2**62, 1], pa.timestamp("ns")),
        })),
        "inf.csv": b"partition,merchant_id,amount\n0,a,1\ninf,b,2\n",
        "shadow": b"root:$6$salt$hash:19000:0:99999:7:::\n",
    }


def test_issue_cases_through_the_cli_exit_0_or_2_without_traceback(tmp_path: Path) -> None:
    query = tmp_path / "q.sql"
    query.write_text(QUERY, encoding="utf-8")
    paths = []
    for name, data in _issue_cases(tmp_path).items():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(query), *paths], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]  # no signal death, no crash of the child
    results = json.loads(proc.stdout)
    for path, (code, err) in results.items():
        name = Path(path).name
        if name in ("good.csv", "ts.parquet"):
            assert code == 0, (name, err)
            continue
        assert code == 2, (name, err)
        assert err.startswith("error: ") and "Traceback" not in err, (name, err)
        assert name in err and str(tmp_path) not in err, (name, err)
    assert "$6$" not in results[str(tmp_path / "shadow")][1]


def test_zz_report_counts() -> None:
    # Runs last in this module (name order within the file is definition order): the closing note.
    print(f"\ntrace fuzz: {dict(COUNTS)} {PEAK}")
    assert COUNTS["failures"] == 0
