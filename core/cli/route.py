"""``partition-lab route``: where does each key land under an engine (keys from stdin, one a line).

A line is a JSON array of the key's values (``["AAPL", 7]``, ``null`` = SQL NULL) or a bare string
(the whole line, text). Types come from ``--types`` or are inferred per value. Every distinct key is
hashed once; any bad line stops the command with ``error: line N: …`` (exit 2) before printing.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

import numpy as np

from core.engines import ENGINE_NAMES, ENGINES, Engine, EngineSettings, get_engine
from core.engines.flink import max_parallelism_for
from core.engines.types import canonical_type, infer_type, typed_column
from core.errors import InvalidConfigError

__all__ = ["add_parser", "run", "read_keys", "route_keys", "MAX_LINE_BYTES"]

MAX_LINE_BYTES = 1 << 20
_HELP_ENGINES = "; ".join(f"{e.name}: {e.hash_doc}" for e in ENGINES.values())


class _Key:
    __slots__ = ("line", "values", "types", "text")

    def __init__(self, line: int, values: list[Any], types: tuple[str, ...], text: bool) -> None:
        self.line, self.values, self.types, self.text = line, values, types, text


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "route", help="print the worker each key (from stdin) lands on under an engine",
        description="Read keys from stdin, one per line: a JSON array of the key's values "
                    '(["k1", 5]; null is SQL NULL) or a bare string. Print each key\'s worker under '
                    f"the engine. Engines: {_HELP_ENGINES}.",
        epilog="Without --types each value's type is inferred: a JSON integer is BIGINT, a string "
               "STRING, a float DOUBLE, true/false BOOLEAN, null a NULL STRING; a bare line is STRING. "
               "With --types a bare line is parsed as text of the first type ('42' as BIGINT).")
    p.add_argument("--engine", required=True, metavar="E", help=f"one of {', '.join(ENGINE_NAMES)}")
    p.add_argument("--workers", required=True, type=int, metavar="W",
                   help="workers W (Flink parallelism, Spark shuffle partitions; for kafka-streams the "
                        "repartition topic's partition count)")
    p.add_argument("--max-parallelism", type=int, default=None, metavar="M",
                   help="Flink's max parallelism (default: min(max(next_pow2(W + W // 2), 128), 32768))")
    p.add_argument("--types", default=None, metavar="T1,T2,…",
                   help="key column types, e.g. STRING,BIGINT (STRING/VARCHAR/CHAR, BIGINT, INT, "
                        "SMALLINT, TINYINT, BOOLEAN, DOUBLE, FLOAT, DATE)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(run=run)
    return p


def _lines(stream: BinaryIO) -> Iterator[tuple[int, str]]:
    for number in range(1, 1 << 62):
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            raise InvalidConfigError(f"line {number}: longer than {MAX_LINE_BYTES:,} bytes; one key per line")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidConfigError(
                f"line {number}: invalid UTF-8 at byte {exc.start} of the line; give keys as UTF-8 text"
            ) from None
        if number == 1:
            text = text.removeprefix("\ufeff")
        yield number, text.rstrip("\r\n")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _parse(number: int, text: str) -> tuple[list[Any], bool]:
    stripped = text.strip()
    if stripped.startswith('"') and stripped.endswith('"') and len(stripped) >= 2:
        try:
            value = json.loads(stripped)  # a JSON string is that string, not its quotes
        except ValueError:
            return [text], True
        return [value], False
    if not stripped.startswith("["):
        return [text], True
    try:
        values = json.loads(stripped, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise InvalidConfigError(f"line {number}: malformed JSON array ({exc}); write e.g. [\"k1\", 5] "
                                 "or a bare string") from None
    if not isinstance(values, list) or not values:
        raise InvalidConfigError(f"line {number}: a key needs at least one value, got []")
    for v in values:
        if isinstance(v, list | dict):
            raise InvalidConfigError(f"line {number}: key values must be scalars (string, number, "
                                     f"true/false, null), got {json.dumps(v)[:40]}")
    return values, False


def read_keys(stream: BinaryIO, types: tuple[str, ...] | None, engine: Engine | None = None) -> list[_Key]:
    """Parse and type-check every line (for ``engine``'s types and NULLs); the first bad line raises."""
    keys = []
    for number, text in _lines(stream):
        if not text.strip():
            continue  # blank lines carry no key
        values, bare = _parse(number, text)
        if types is not None and len(values) != len(types):
            raise InvalidConfigError(f"line {number}: the key has {len(values)} value(s) but --types "
                                     f"declares {len(types)} ({','.join(types)})")
        kinds = types or tuple("STRING" if v is None else infer_type(v) for v in values)
        for i, (v, kind) in enumerate(zip(values, kinds, strict=True)):
            if engine is not None and engine.supported_types and kind not in engine.supported_types:
                raise InvalidConfigError(f"line {number}: {engine.name} cannot hash key type {kind} "
                                         f"(value {i + 1}); it supports {', '.join(engine.supported_types)}")
            if engine is not None and v is None and not engine.accepts_null:
                raise InvalidConfigError(f"line {number}: value {i + 1} is NULL; {engine.name} gives a NULL "
                                         "key no partition (Kafka Streams drops such records)")
            try:
                typed_column([v], kind, from_text=bare, column=f"value {i + 1}")
            except InvalidConfigError as exc:
                raise InvalidConfigError(f"line {number}: {exc}") from None
        keys.append(_Key(number, values, kinds, bare))
    return keys


def _column(values: Iterable[Any]) -> np.ndarray:
    items = list(values)
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def route_keys(engine: Engine, keys: list[_Key], workers: int, settings: EngineSettings) -> list[int]:
    """Worker per key: each distinct (types, values) hashed once, per type signature."""
    groups: dict[tuple[tuple[str, ...], bool], dict[str, int]] = {}
    ids = []
    for key in keys:
        group = groups.setdefault((key.types, key.text), {})
        ids.append(group.setdefault(json.dumps(key.values), len(group)))
    placed: dict[tuple[tuple[str, ...], bool], np.ndarray] = {}
    for (types, text), distinct in groups.items():
        rows = [json.loads(k) for k in distinct]
        columns = [_column(r[i] for r in rows) for i in range(len(types))]
        try:
            placed[(types, text)] = engine.workers(columns, types, workers, settings, from_text=text)
        except InvalidConfigError as exc:
            first = next(k.line for k in keys if k.types == types and k.text == text)
            raise InvalidConfigError(f"line {first} (or a later key of the same types): {exc}") from None
    return [int(placed[(k.types, k.text)][i]) for k, i in zip(keys, ids, strict=True)]


def run(args: argparse.Namespace, stdin: BinaryIO | None = None) -> int:
    engine = get_engine(args.engine)
    settings = EngineSettings(max_parallelism=args.max_parallelism)
    if args.max_parallelism is not None and engine.name != "flink":
        raise InvalidConfigError(f"--max-parallelism only applies to flink, not {engine.name}")
    if not 1 <= args.workers <= engine.max_workers:
        raise InvalidConfigError(f"--workers must be in 1..{engine.max_workers} for {engine.name} "
                                 f"(the {engine.worker_word} count), got {args.workers}")
    maxp = max_parallelism_for(args.workers, settings) if engine.name == "flink" else None
    types = tuple(canonical_type(t) for t in args.types.split(",")) if args.types else None
    keys = read_keys(stdin or sys.stdin.buffer, types, engine)
    workers = route_keys(engine, keys, args.workers, settings)
    if args.json:
        out: dict[str, Any] = {"engine": engine.name, "workers": args.workers}
        if maxp is not None:
            out["max_parallelism"] = maxp
        out["routes"] = [{"key": k.values, "worker": w} for k, w in zip(keys, workers, strict=True)]
        print(json.dumps(out, ensure_ascii=False))
        return 0
    sys.stdout.write(format_table(engine, args.workers, maxp, keys, workers))
    return 0


def format_table(engine: Engine, workers: int, maxp: int | None, keys: list[_Key], placed: list[int]) -> str:
    extra = f", max parallelism {maxp}" if maxp is not None else ""
    lines = [f"engine {engine.name}: {engine.hash_doc}", f"{workers} {engine.worker_word}s{extra}", ""]
    shown = [json.dumps(k.values, ensure_ascii=False) if not k.text else k.values[0] for k in keys]
    types = [",".join(k.types) for k in keys]
    width = max([len("key"), *map(len, shown)])
    twidth = max([len("types"), *map(len, types)])
    lines.append(f"{'key':<{width}}  {'types':<{twidth}}  {engine.worker_word}")
    lines.append("-" * (width + twidth + 4 + len(engine.worker_word)))
    lines += [f"{s:<{width}}  {t:<{twidth}}  {w}" for s, t, w in zip(shown, types, placed, strict=True)]
    return "\n".join(lines) + "\n"
