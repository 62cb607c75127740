"""Velostream: FNV-1a 64 over the key values' display strings fed back to back, ``% W``.

Display strings follow the engine (``core.hashing.display_string``): ints plainly, integral
doubles without ``.0``, ``true``/``false``, NULL as ``null``. The declared type only matters through
the display string (the string ``"42"`` and the BIGINT 42 land together), as in the engine.
Vector: ``"trader_1"`` → 0x1bcc3d5c25588c41.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.engines.base import Engine, EngineSettings
from core.hashing import display_string
from core.hashing.by_length import hash_by_length
from core.hashing.fnv1a64 import fnv1a64_kernel
from core.model.plan import PlanRules

__all__ = ["ENGINE", "key_texts", "fnv_hashes"]


def key_texts(columns: Sequence[np.ndarray]) -> list[bytes]:
    """Each distinct key's hashed bytes: the UTF-8 display strings of its values, concatenated."""
    texts = [[v if type(v) is str else display_string(v) for v in c.tolist()] for c in columns]
    if len(texts) == 1:
        return [t.encode("utf-8", "surrogatepass") for t in texts[0]]
    return ["".join(parts).encode("utf-8", "surrogatepass") for parts in zip(*texts, strict=True)]


def fnv_hashes(columns: Sequence[np.ndarray]) -> np.ndarray:
    """Unsigned 64-bit FNV-1a of each distinct key."""
    return hash_by_length(key_texts(columns), fnv1a64_kernel, np.uint64)


def _workers(columns: Sequence[np.ndarray], types: Sequence[str], workers: int, settings: EngineSettings,
             from_text: bool) -> np.ndarray:
    return (fnv_hashes(columns) % np.uint64(workers)).astype(np.int64)


# Where this engine re-distributes records between operators (core.plan reads it).
PLAN_RULES = PlanRules(
    "velostream", trusts_source_key=False, subset_satisfies=True, global_order_by=False,
    description="hashes where an operator needs it; the engine is never told the source key, so it "
                "never skips a shuffle")

ENGINE = Engine(plan_rules=PLAN_RULES, name="velostream", workers_of=_workers,
                hash_doc="FNV-1a 64 over the keys' display strings back to back, % W")
