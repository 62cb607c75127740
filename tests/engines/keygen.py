"""Deterministic mixed-type key sets for the ground-truth comparisons (Flink's classes, Spark SQL)."""

from __future__ import annotations

import numpy as np

ALPHABET = list("abcdefghijklmnopqrstuvwxyzABC0123456789_- ") + ["é", "日", "本", "中", "文", "😀", "ß"]
# Key shapes compared: one column of each type, and multi-column keys.
SHAPES: tuple[tuple[str, ...], ...] = (
    ("STRING",), ("BIGINT",), ("INT",), ("SMALLINT",), ("TINYINT",), ("BOOLEAN",), ("DOUBLE",),
    ("FLOAT",), ("DATE",), ("STRING", "BIGINT"), ("STRING", "INT"), ("BIGINT", "STRING", "DOUBLE"),
    ("STRING", "STRING"),
)
_BOUNDS = {"BIGINT": 63, "INT": 31, "SMALLINT": 15, "TINYINT": 7}


def _string(rng: np.random.Generator) -> str:
    # Lengths around Flink's 7/8-byte inline boundary and Spark's 4-byte word boundary, and long ones.
    length = int(rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15, 16, 17, 31, 64]))
    return "".join(rng.choice(ALPHABET, size=length).tolist())


def value(kind: str, rng: np.random.Generator, null_rate: float = 0.05) -> object:
    if rng.random() < null_rate:
        return None
    if kind == "STRING":
        return _string(rng)
    if kind in _BOUNDS:
        bits = _BOUNDS[kind]
        special = [0, 1, -1, (1 << bits) - 1, -(1 << bits)]
        return int(rng.choice(special)) if rng.random() < 0.1 else int(rng.integers(-(1 << bits), 1 << bits))
    if kind == "BOOLEAN":
        return bool(rng.random() < 0.5)
    if kind == "DATE":
        return int(rng.integers(-50_000, 50_000))
    special = [0.0, -0.0, 1.5, -1e300, float("inf"), float("-inf")]
    if rng.random() < 0.1:
        return float(rng.choice(special))
    v = float(rng.normal() * 10.0 ** int(rng.integers(-5, 12)))
    return float(np.float32(v)) if kind == "FLOAT" else v


def keys(shape: tuple[str, ...], count: int, seed: int) -> list[tuple[object, ...]]:
    rng = np.random.default_rng(seed)
    return [tuple(value(t, rng) for t in shape) for _ in range(count)]


def columns(rows: list[tuple[object, ...]]) -> list[np.ndarray]:
    out = []
    for i in range(len(rows[0])):
        a = np.empty(len(rows), dtype=object)
        a[:] = [r[i] for r in rows]
        out.append(a)
    return out
