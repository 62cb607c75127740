"""Round trip (hypothesis): any frame written as CSV or Parquet replays to the same records."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from core.workload.trace import read_trace

_TEXT = st.text(alphabet="abcXYZ _-é,\"'019.", min_size=1, max_size=6).filter(lambda s: s.strip() == s)


@settings(max_examples=30, deadline=None)
@given(
    rows=st.lists(st.tuples(st.integers(0, 40), _TEXT, st.floats(-1e6, 1e6, allow_nan=False)), min_size=1,
                  max_size=60),
    chunk_rows=st.integers(1, 25),
    fmt=st.sampled_from(["csv", "parquet"]),
)
def test_replay_reproduces_partitions_keys_values_and_offsets(
    rows: list[tuple[int, str, float]], chunk_rows: int, fmt: str
) -> None:
    frame = pd.DataFrame(rows, columns=["partition", "user", "amount"])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"t.{fmt}"
        frame.to_csv(path, index=False) if fmt == "csv" else frame.to_parquet(path)
        trace = read_trace(path, chunk_rows=chunk_rows, key_columns=["user"])
        batches = list(trace.batches())
    assert trace.records == len(rows) == sum(len(b) for b in batches)
    assert trace.partitions == frame["partition"].max() + 1
    parts = np.concatenate([b.partition for b in batches])
    np.testing.assert_array_equal(parts, frame["partition"])
    assert [s for b in batches for s in b.strings("user").tolist()] == frame["user"].tolist()
    np.testing.assert_allclose(np.concatenate([b.values["amount"] for b in batches]), frame["amount"])
    offsets = np.concatenate([b.offset for b in batches])
    for p in np.unique(parts).tolist():
        np.testing.assert_array_equal(offsets[parts == p], np.arange(int(np.sum(parts == p))))
