"""Producer partitioners and the offset counter, tested directly."""

from __future__ import annotations

import numpy as np
import pytest

from core.errors import InvalidConfigError
from core.hashing import kafka_partition
from core.workload.producers import KeyHashPartitioner, OffsetCounter, StickyPartitioner
from core.workload.schema import key_vocab


@pytest.mark.parametrize("sizes", [(30, 40), (5_000, 5_000), (7, 3, 11)])
def test_compound_keys_dense_and_sparse_tables_match_scalar(sizes: tuple[int, ...]) -> None:
    vocabs = [key_vocab(f"c{i}", n) for i, n in enumerate(sizes)]
    partitioner = KeyHashPartitioner("murmur2", 17, vocabs)
    rng = np.random.default_rng(0)
    for _ in range(3):  # later calls reuse what earlier ones learned
        codes = [rng.integers(0, n, 500).astype(np.int32) for n in sizes]
        got = partitioner.assign(codes)
        rows = zip(*codes, strict=True)
        keys = ["|".join(str(v[c]) for v, c in zip(vocabs, row, strict=True)) for row in rows]
        np.testing.assert_array_equal(got, [kafka_partition(k.encode(), 17) for k in keys])


def test_compound_key_space_too_large() -> None:
    big = np.empty(10_000_000, dtype=object)
    with pytest.raises(InvalidConfigError, match="too large"):
        KeyHashPartitioner("murmur2", 3, [big, big, big])


def test_sticky_first_run_is_seeded_and_runs_cross_blocks() -> None:
    firsts = {int(StickyPartitioner(50, 3, seed).assign(0, 1)[0]) for seed in range(40)}
    assert len(firsts) > 10  # the first partition is random, not always 0
    sticky = StickyPartitioner(4, 1, seed=9)
    parts = np.concatenate([sticky.assign(i, 50_000) for i in range(0, 200_000, 50_000)])
    assert np.all(parts[1:] != parts[:-1])  # run length 1: every record switches, across run blocks
    np.testing.assert_array_equal(parts, StickyPartitioner(4, 1, seed=9).assign(0, 200_000))


def test_offsets_large_partition_counts_use_the_generic_sort() -> None:
    counter = OffsetCounter(100_000)
    parts = np.array([99_999, 5, 99_999, 5, 70_000], dtype=np.int32)
    np.testing.assert_array_equal(counter.assign(parts), [0, 0, 1, 1, 0])
    np.testing.assert_array_equal(counter.assign(parts[:2]), [2, 2])


def test_sticky_answers_earlier_ranges_again_identically() -> None:
    sticky = StickyPartitioner(7, 2, seed=4)
    later = sticky.assign(300_000, 10)
    earlier = sticky.assign(0, 10)
    fresh = StickyPartitioner(7, 2, seed=4)
    np.testing.assert_array_equal(earlier, fresh.assign(0, 10))
    np.testing.assert_array_equal(later, fresh.assign(300_000, 10))
    assert len(sticky.assign(5, 0)) == 0
