"""Exact hashes: published vectors, an independent per-byte implementation, vectorized == scalar."""

from __future__ import annotations

import subprocess
import sys
import zlib
from pathlib import Path

import mmh3
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import InvalidConfigError
from core.hashing import (
    HASH_FUNCTIONS,
    VocabHashCache,
    bucket_hash,
    buckets,
    crc32_partition,
    fnv1a64,
    gather,
    hash_vocab,
    kafka_partition,
    key_bytes,
    murmur2,
    serialize_key,
    worker_ids,
    worker_ids_from_values,
    worker_of,
)

# Kafka's UtilsTest vectors (DESIGN.md).
KAFKA_VECTORS = [
    ("21", -973932308),
    ("foobar", -790332482),
    ("a-little-bit-long-string", -985981536),
    ("a-little-bit-longer-string", -1486304829),
    ("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971),
    ("abc", 479470107),
]
# librdkafka's unittest_murmur2 vectors (u32 bit patterns): empty key and 1/2/3-byte tails.
LIBRDKAFKA_MURMUR2 = [
    ("kafka", 0xD067CF64),
    ("giberish123456789", 0x8F552B0C),
    ("1234", 0x9FC97B14),
    ("234", 0xE7C009CA),
    ("34", 0x873930DA),
    ("4", 0x5A4B5CA1),
    ("PreAmbleWillBeRemoved,ThePrePartThatIs", 0x78424F1C),
    ("reAmbleWillBeRemoved,ThePrePartThatIs", 0x4A62B377),
    ("eAmbleWillBeRemoved,ThePrePartThatIs", 0xE0E4E09E),
    ("AmbleWillBeRemoved,ThePrePartThatIs", 0x62B8B43F),
    ("", 0x106E08D9),
]


# --- an independent, deliberately naive murmur2: Java int semantics emulated byte by byte ---
def _java_int(x: int) -> int:
    x &= 0xFFFFFFFF
    return x - (1 << 32) if x >= 1 << 31 else x


def _naive_murmur2(data: bytes) -> int:
    m, h = 0x5BD1E995, _java_int(0x9747B28C ^ len(data))
    blocks = len(data) // 4
    for b in range(blocks):
        k = 0
        for shift in range(4):
            k |= data[4 * b + shift] << (8 * shift)
        k = _java_int(k * m)
        k = _java_int(k ^ ((k & 0xFFFFFFFF) >> 24))
        k = _java_int(k * m)
        h = _java_int(_java_int(h * m) ^ k)
    rest = data[4 * blocks :]
    for i in reversed(range(len(rest))):
        h = _java_int(h ^ (rest[i] << (8 * i)))
    if rest:
        h = _java_int(h * m)
    h = _java_int(h ^ ((h & 0xFFFFFFFF) >> 13))
    h = _java_int(h * m)
    return _java_int(h ^ ((h & 0xFFFFFFFF) >> 15))


def _naive_fnv1a64(data: bytes) -> int:
    h = 14695981039346656037
    for byte in data:
        h = ((h ^ byte) * 1099511628211) % 2**64
    return h


@pytest.mark.parametrize(("key", "expected"), KAFKA_VECTORS)
def test_murmur2_kafka_vectors(key: str, expected: int) -> None:
    assert murmur2(key.encode()) == expected
    assert _naive_murmur2(key.encode()) == expected


@pytest.mark.parametrize(("key", "expected"), LIBRDKAFKA_MURMUR2)
def test_murmur2_librdkafka_vectors_cover_empty_and_tails(key: str, expected: int) -> None:
    assert murmur2(key.encode()) & 0xFFFFFFFF == expected


@pytest.mark.parametrize("key", ["é", "日本", "ключ-1", "🙂", "a🙂b", "naïve café"])
def test_murmur2_multibyte_utf8_matches_naive(key: str) -> None:
    data = key.encode("utf-8")
    assert murmur2(data) == _naive_murmur2(data)


def test_kafka_partition_masks_instead_of_abs() -> None:
    # murmur2("21") is negative: masked 1173551340 -> 340, abs 973932308 would give 308.
    assert murmur2(b"21") == -973932308
    assert kafka_partition(b"21", 1000) == 340


@given(st.binary(max_size=80), st.integers(1, 1024))
@settings(max_examples=300, deadline=None)
def test_murmur2_and_partition_match_naive(data: bytes, partitions: int) -> None:
    assert murmur2(data) == _naive_murmur2(data)
    assert kafka_partition(data, partitions) == (_naive_murmur2(data) & 0x7FFFFFFF) % partitions


def test_fnv1a64_vectors() -> None:
    assert fnv1a64(b"trader_1") == 0x1BCC3D5C25588C41  # Velostream
    assert fnv1a64(b"") == 0xCBF29CE484222325  # FNV reference vectors
    assert fnv1a64(b"a") == 0xAF63DC4C8601EC8C
    assert fnv1a64(b"foobar") == 0x85944171F73967E8


@given(st.binary(max_size=64))
@settings(max_examples=200, deadline=None)
def test_fnv1a64_matches_naive(data: bytes) -> None:
    assert fnv1a64(data) == _naive_fnv1a64(data)


def test_fnv1a64_multi_column_has_no_separator() -> None:
    assert key_bytes(["trader", "_1"], "fnv1a64") == b"trader_1"
    assert worker_of(["trader", "_1"], 8, "fnv1a64") == 0x1BCC3D5C25588C41 % 8


def test_crc32_partition_librdkafka_vectors() -> None:
    assert zlib.crc32(b"kafka") == 0x5BBC7517
    assert crc32_partition(b"kafka", 10) == 9
    assert crc32_partition(b"user-123", 10) == 0
    assert crc32_partition(b"order-123", 12) == 1
    assert crc32_partition(b"giberish123456789", 50) == 21


def test_mmh3_is_unsigned_seed_zero_and_multi_column_is_length_prefixed() -> None:
    assert bucket_hash("mmh3", b"foo") == -156908512 & 0xFFFFFFFF
    assert bucket_hash("mmh3", b"") == 0
    encoded = key_bytes(["ab", "c"], "mmh3")
    assert encoded == b"\x00\x00\x00\x02ab\x00\x00\x00\x01c"
    assert key_bytes(["ab", "c"]) != key_bytes(["a", "bc"])
    assert worker_of(["ab", "c"], 13) == mmh3.hash(encoded, 0, signed=False) % 13


def test_serialize_key_kinds() -> None:
    assert serialize_key("42") == b"42"
    assert serialize_key(42, "int32") == b"\x00\x00\x00\x2a"
    assert serialize_key("42", "int64") == b"\x00" * 7 + b"\x2a"
    assert serialize_key(-1, "int32") == b"\xff" * 4
    assert serialize_key(3.0) == b"3"
    with pytest.raises(InvalidConfigError, match="int32"):
        serialize_key(2**31, "int32")
    with pytest.raises(InvalidConfigError, match="int64"):
        serialize_key("abc", "int64")
    with pytest.raises(InvalidConfigError, match="valid: string, int32, int64"):
        serialize_key("x", "utf16")


def test_unknown_hash_function_lists_valid_ones() -> None:
    with pytest.raises(InvalidConfigError, match="murmur2, crc32, fnv1a64, mmh3"):
        bucket_hash("sha1", b"x")
    with pytest.raises(InvalidConfigError, match="murmur2"):
        hash_vocab(np.array(["a"], dtype=object), "xxhash")


# --- vectorized == scalar -------------------------------------------------------------------
vocab_entries = st.lists(st.text(max_size=12), min_size=1, max_size=120)


@pytest.fixture(params=["scalar-loop", "numpy-kernels"])
def kernels(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    # Force small vocabularies through the per-length numpy kernels too.
    if request.param == "numpy-kernels":
        monkeypatch.setattr(buckets, "_VECTOR_MIN_KEYS", 0)
    return str(request.param)


@pytest.mark.parametrize("hash_name", HASH_FUNCTIONS)
@given(entries=vocab_entries)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_hash_vocab_matches_scalar(kernels: str, hash_name: str, entries: list[str]) -> None:
    vocab = np.array(entries, dtype=object)
    expected = [bucket_hash(hash_name, e.encode()) for e in entries]
    assert hash_vocab(vocab, hash_name, cache=VocabHashCache()).tolist() == expected


@pytest.mark.parametrize("hash_name", HASH_FUNCTIONS)
@given(
    data=st.data(),
    columns=st.integers(1, 3),
    workers=st.integers(1, 17),
    records=st.integers(0, 200),
)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_worker_ids_match_worker_of(kernels: str, hash_name: str, data: st.DataObject,
                                    columns: int, workers: int, records: int) -> None:
    vocabs = [np.array(data.draw(vocab_entries), dtype=object) for _ in range(columns)]
    codes = [
        np.array(data.draw(st.lists(st.integers(0, len(v) - 1), min_size=records, max_size=records)),
                 dtype=np.int32)
        for v in vocabs
    ]
    got = worker_ids(codes, vocabs, workers, hash_name, cache=VocabHashCache())
    expected = [worker_of([v[c[i]] for v, c in zip(vocabs, codes, strict=True)], workers, hash_name)
                for i in range(records)]
    assert got.dtype == np.int32
    assert got.tolist() == expected


@pytest.mark.parametrize("dense", [True, False])
@pytest.mark.parametrize("hash_name", HASH_FUNCTIONS)
def test_multi_column_paths_agree(monkeypatch: pytest.MonkeyPatch, dense: bool, hash_name: str) -> None:
    if not dense:
        monkeypatch.setattr(gather, "_DENSE_COMBOS", 0)
    rng = np.random.default_rng(7)
    vocabs = [np.array([f"v{i}é" for i in range(n)], dtype=object) for n in (50, 7, 3)]
    codes = [rng.integers(0, len(v), 5000).astype(np.int32) for v in vocabs]
    cache = VocabHashCache()
    first = worker_ids(codes, vocabs, 11, hash_name, cache=cache)
    again = worker_ids([c[::-1] for c in codes], vocabs, 11, hash_name, cache=cache)
    expected = [worker_of([v[c[i]] for v, c in zip(vocabs, codes, strict=True)], 11, hash_name)
                for i in range(5000)]
    assert first.tolist() == expected
    assert again.tolist() == expected[::-1]


@pytest.mark.parametrize("kind", ["int32", "int64"])
@pytest.mark.parametrize("hash_name", ["murmur2", "crc32", "mmh3"])
def test_integer_key_serializations(kind: str, hash_name: str) -> None:
    vocab = np.array([str(i) for i in range(-50, 50)], dtype=object)
    got = hash_vocab(vocab, hash_name, kind, cache=VocabHashCache())
    assert got.tolist() == [bucket_hash(hash_name, serialize_key(int(v), kind)) for v in vocab]


def test_cache_hits_by_contents_and_identity() -> None:
    cache = VocabHashCache()
    vocab = np.array(["a", "b", "c"], dtype=object)
    first = hash_vocab(vocab, "murmur2", cache=cache)
    assert hash_vocab(vocab, "murmur2", cache=cache) is first  # same object
    assert hash_vocab(vocab.copy(), "murmur2", cache=cache) is first  # equal contents
    assert hash_vocab(np.array(["a", "b", "d"], dtype=object), "murmur2", cache=cache) is not first
    # Lengths make the digest unambiguous: ("ab", "c") is not ("a", "bc").
    assert cache.fingerprint(np.array(["ab", "c"], dtype=object)) != cache.fingerprint(
        np.array(["a", "bc"], dtype=object)
    )


def test_cache_is_bounded() -> None:
    cache = VocabHashCache(max_entries=3)
    for i in range(10):
        hash_vocab(np.array([f"k{i}"], dtype=object), "mmh3", cache=cache)
    assert len(cache) == 3
    by_bytes = VocabHashCache(max_bytes=100)
    for i in range(10):
        hash_vocab(np.array([f"k{i}-{j}" for j in range(20)], dtype=object), "mmh3", cache=by_bytes)
    assert len(by_bytes) == 1 and by_bytes.nbytes == 80  # the newest entry always stays
    nothing = VocabHashCache(max_entries=0)
    hash_vocab(np.array(["a"], dtype=object), "mmh3", cache=nothing)
    assert len(nothing) == 0 and nothing.nbytes == 0


def test_worker_ids_from_values_factorizes_pandas_and_numbers() -> None:
    series = pd.Series(["x", "y", "x", None, "z"])
    got = worker_ids_from_values([series], 5, "murmur2")
    expected = [worker_of([v if v is not None else "null"], 5, "murmur2") for v in series]
    assert got.tolist() == expected
    numbers = np.array([1, 2, 3, 2, 1], dtype=np.int64)
    got_numbers = worker_ids_from_values([numbers, ["a"] * 5], 4, "fnv1a64")
    assert got_numbers.tolist() == [worker_of([n, "a"], 4, "fnv1a64") for n in numbers.tolist()]


def test_worker_ids_rejects_mismatched_inputs() -> None:
    with pytest.raises(InvalidConfigError, match="one vocabulary per code column"):
        worker_ids([np.zeros(3, np.int32)], [], 4)
    with pytest.raises(InvalidConfigError, match="workers must be >= 1"):
        worker_ids([np.zeros(3, np.int32)], [np.array(["a"], dtype=object)], 0)


def test_hashes_are_stable_across_processes() -> None:
    code = (
        "from core.hashing import worker_of; "
        "print([worker_of(['trader_1', 'x'], 97, h) for h in ('murmur2', 'crc32', 'fnv1a64', 'mmh3')])"
    )
    root = Path(__file__).resolve().parents[2]
    runs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={"PYTHONHASHSEED": seed}, cwd=root).stdout
        for seed in ("1", "2")
    }
    expected = [worker_of(["trader_1", "x"], 97, h) for h in HASH_FUNCTIONS]
    assert runs == {f"{expected}\n"}
