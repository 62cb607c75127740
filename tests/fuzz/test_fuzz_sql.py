"""SQL fuzzing: ``analyze`` returns or raises PartitionLabError — never another exception, never a hang.

Inputs: token-level mutations (deletions, duplications, swaps, insertions of streaming-SQL words) of
the shipped samples and of DDL-heavy seeds written here, random bytes, and deep nesting of every
kind the tree walkers recurse on (CASE, subqueries, function calls, parentheses, NOT, OVER). Each
input runs under a time bound. ``campaign`` is a deterministic mutation run whose counts are
asserted (and printed with ``-s``); hypothesis explores on top. ``-m slow`` runs the long versions.
"""

from __future__ import annotations

import contextlib
import random
import re
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.analysis.api import analyze
from core.errors import PartitionLabError
from core.sql import read_script

ROOT = Path(__file__).resolve().parents[2]
_DIALECT = re.compile(r"^--\s*dialect:\s*(\w+)", re.MULTILINE)
_TOKEN = re.compile(r"--[^\n]*|'(?:[^']|'')*'|\"[^\"]*\"|`[^`]*`|\w+|\s+|.", re.DOTALL)
DIALECTS = ["velostream", "ksqldb", "flink", "spark", "risingwave"]

SEEDS: list[tuple[str, str]] = [
    ("flink", "SET 'a' = 'b';\nCREATE TABLE t (k STRING, v INT, ts TIMESTAMP(3) METADATA FROM 'timestamp', "
     "PRIMARY KEY (k) NOT ENFORCED, WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) WITH ('connector' = "
     "'kafka', 'topic' = 't', 'key.fields' = 'k');\nINSERT INTO o SELECT k, COUNT(*) FROM t GROUP BY k, "
     "TUMBLE(ts, INTERVAL '1' MINUTE)"),
    ("flink", "SELECT * FROM ticks MATCH_RECOGNIZE (PARTITION BY s ORDER BY ts MEASURES A.p AS "
              "p PATTERN (A B) "
     "DEFINE A AS A.p > 1) m"),
    ("flink", "SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start ORDER BY "
              "price DESC) AS rn "
     "FROM TABLE(HOP(TABLE bid, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '10' SECOND))) WHERE rn <= 3"),
    ("ksqldb", "CREATE STREAM pv (u VARCHAR KEY, p VARCHAR) WITH (KAFKA_TOPIC='pv', PARTITIONS=3, "
     "VALUE_FORMAT='JSON');\nCREATE TABLE per_page AS SELECT p, COUNT(*) FROM pv WINDOW HOPPING "
     "(SIZE 1 MINUTE, "
     "ADVANCE BY 10 SECONDS) GROUP BY p EMIT CHANGES;"),
    ("risingwave", "CREATE SOURCE s (id INT, ts TIMESTAMP) INCLUDE key AS k WITH "
                   "(connector='kafka', topic='s') "
     "FORMAT PLAIN ENCODE JSON;\nCREATE MATERIALIZED VIEW mv AS SELECT id, SUM(id) OVER "
     "(PARTITION BY id ORDER BY "
     "ts SESSION WITH GAP INTERVAL '5' MINUTE) FROM s;\nCREATE SINK o FROM mv WITH "
     "(connector='kafka', topic='o')"),
    ("spark", "CREATE OR REFRESH STREAMING TABLE c (CONSTRAINT v EXPECT (id > 0) ON VIOLATION DROP ROW) "
     "PARTITIONED BY (d) COMMENT 'x' TBLPROPERTIES ('q' = 'b') AS SELECT id, d FROM "
     "STREAM(live.raw) WHERE id IN "
     "(SELECT id FROM ok) GROUP BY ROLLUP (id, d)"),
    ("spark", "SELECT a.k, l.n FROM a, LATERAL (SELECT COUNT(*) AS n FROM b WHERE b.k = a.k) l CROSS JOIN "
     "UNNEST(a.xs) AS u(x) WHERE NOT EXISTS (SELECT 1 FROM c WHERE c.k = a.k) UNION SELECT k, 1 FROM d"),
    ("velostream", "CREATE STREAM s AS SELECT k PRIMARY KEY, COUNT(*) FROM t GROUP BY k WINDOW "
                   "SLIDING(10m, 1m) "
     "EMIT CHANGES WITH ('sink.topic' = 'o')"),
]
WORDS = [
    "SELECT", "FROM", "WHERE", "GROUP BY", "ORDER BY", "WINDOW", "TUMBLE", "HOP", "SESSION",
    "OVER", "PARTITION BY",
    "JOIN", "ON", "AS", "WITH", "(", ")", ",", ";", "'", "=", "CREATE", "TABLE", "STREAM", "SOURCE", "SINK",
    "PRIMARY KEY", "NOT ENFORCED", "WATERMARK FOR", "KEY", "MATCH_RECOGNIZE", "LATERAL", "UNNEST", "ROLLUP",
    "GROUPING SETS", "EXISTS", "IN", "UNION", "SET", "EXECUTE STATEMENT SET BEGIN", "END", "INCLUDE key AS",
    "FORMAT PLAIN ENCODE JSON", "STREAM(", "TABLE(", "DESCRIPTOR(", "INTERVAL '99999999999999999999' DAY",
    "INTERVAL '1' MILLISECOND", "9" * 400, "PARTITIONS=0", "'key.fields'='a;b'", "LIKE",
    "\ufeff", "\x00", "é",
]
MAX_SECONDS = 10


def _samples() -> list[tuple[str, str]]:
    out = []
    for path in sorted((ROOT / "sample_queries").glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        found = _DIALECT.search(text)
        out.append((found.group(1).lower() if found else "velostream", text))
    return out


CORPUS = _samples() + SEEDS


def nested(kind: str, depth: int) -> str:
    """Deep nesting of one kind; the guards must refuse it politely at any depth."""
    if kind == "case":
        return "SELECT " + "CASE WHEN a THEN " * depth + "1" + " END" * depth + " FROM t"
    if kind == "subquery":
        return "SELECT a FROM " + "(SELECT a FROM " * depth + "t" + ") x" * depth
    if kind == "call":
        return "SELECT " + "f(" * depth + "a" + ")" * depth + " FROM t"
    if kind == "not":
        return "SELECT a FROM t WHERE " + "NOT " * depth + "a"
    if kind == "over":
        return "SELECT " + "SUM(" * depth + "a" + ") OVER (PARTITION BY k)" * depth + " FROM t"
    return "SELECT a FROM t GROUP BY " + "(" * depth + "a" + ")" * depth


def mutate(rng: random.Random, text: str) -> str:
    tokens = _TOKEN.findall(text)
    for _ in range(rng.randint(1, 4)):
        if not tokens:
            break
        i = rng.randrange(len(tokens))
        op = rng.choice(["delete", "duplicate", "swap", "insert", "insert"])
        if op == "delete":
            del tokens[i : i + rng.randint(1, 6)]
        elif op == "duplicate":
            tokens[i:i] = tokens[i : i + rng.randint(1, 10)]
        elif op == "swap":
            j = rng.randrange(len(tokens))
            tokens[i], tokens[j] = tokens[j], tokens[i]
        else:
            tokens.insert(i, f" {rng.choice(WORDS)} ")
    return "".join(tokens)


class _Hang(Exception):
    pass


@contextlib.contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    def fire(signum: int, frame: object) -> None:
        raise _Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, fire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def check(dialect: str, sql: str) -> bool:
    """True when accepted, False for a clean error; anything else fails the test."""
    with _deadline(MAX_SECONDS):
        try:
            read_script(sql, dialect)
            analyze(sql, dialect=dialect).to_dict()
        except PartitionLabError as exc:
            assert str(exc), "an error without a message"
            return False
    return True


@dataclass
class Counts:
    inputs: int = 0
    accepted: int = 0
    clean_errors: int = 0
    slowest_s: float = 0.0


def campaign(n: int, seed: int) -> Counts:
    """``n`` inputs: mutations of the corpus, random bytes and deep nesting, mixed by ``seed``."""
    rng = random.Random(seed)
    counts = Counts()
    for k in range(n):
        roll = rng.random()
        if roll < 0.8:
            dialect, text = rng.choice(CORPUS)
            sql = mutate(rng, text)
            dialect = rng.choice([dialect, dialect, rng.choice(DIALECTS)])
        elif roll < 0.9:
            sql = bytes(rng.randrange(256) for _ in range(rng.randint(0, 200))).decode("latin-1")
            dialect = rng.choice(DIALECTS)
        else:
            kind = rng.choice(["case", "subquery", "call", "not", "over", "paren"])
            sql, dialect = nested(kind, rng.choice([5, 40, 99, 150, 400, 2000])), rng.choice(DIALECTS)
        start = time.perf_counter()
        accepted = check(dialect, sql)
        counts.slowest_s = max(counts.slowest_s, time.perf_counter() - start)
        counts.inputs += 1
        counts.accepted += accepted
        counts.clean_errors += not accepted
        assert k + 1 == counts.inputs
    return counts


def test_every_corpus_entry_is_read_as_written() -> None:
    # The seeds are valid SQL: fuzzing valid text only means something if the originals are accepted.
    for dialect, sql in CORPUS:
        assert check(dialect, sql), sql[:80]


@pytest.mark.parametrize("kind", ["case", "subquery", "call", "not", "over", "paren"])
@pytest.mark.parametrize("depth", [10, 120, 400, 3000])
def test_deep_nesting_is_accepted_or_refused_cleanly(kind: str, depth: int) -> None:
    check("flink", nested(kind, depth))


def test_mutation_campaign_fast() -> None:
    counts = campaign(400, seed=11)
    print(f"\nSQL fuzz (fast): {counts}")
    assert counts.inputs == 400 and counts.accepted + counts.clean_errors == 400
    assert counts.accepted > 0 and counts.clean_errors > 0  # both paths were exercised


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(CORPUS), st.randoms(use_true_random=False), st.sampled_from(DIALECTS))
def test_hypothesis_mutations(entry: tuple[str, str], rng: random.Random, dialect: str) -> None:
    check(rng.choice([entry[0], dialect]), mutate(rng, entry[1]))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300), st.sampled_from(DIALECTS))
def test_random_bytes(data: bytes, dialect: str) -> None:
    check(dialect, data.decode("utf-8", errors="replace"))


@pytest.mark.slow
def test_mutation_campaign_long() -> None:
    counts = campaign(6000, seed=12)
    print(f"\nSQL fuzz (slow): {counts}")
    assert counts.accepted + counts.clean_errors == 6000


@pytest.mark.slow
@settings(max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(CORPUS), st.randoms(use_true_random=False), st.sampled_from(DIALECTS))
def test_hypothesis_mutations_long(entry: tuple[str, str], rng: random.Random, dialect: str) -> None:
    check(rng.choice([entry[0], dialect]), mutate(rng, entry[1]))


def test_the_harness_can_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    def crashing(sql: str, **kwargs: object) -> None:
        raise IndexError("boom")

    monkeypatch.setattr(f"{__name__}.analyze", crashing)
    with pytest.raises(IndexError):
        check("flink", "SELECT 1")
