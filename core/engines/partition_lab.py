"""partition-lab: the project's own default — mmh3 x86 32 (seed 0) of the key bytes, ``% W``.

One column: the value's UTF-8 display string; several: each part prefixed with its 4-byte
big-endian length (``core.hashing.key_bytes``), so ``("ab", "c")`` and ``("a", "bc")`` differ.
Types only matter through the display string. This is exactly what ``always_hash`` did before
engines existed; the simulator keeps its dedicated fast path for it (``core.hashing.worker_ids``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core import hashing
from core.engines.base import Engine, EngineSettings
from core.model.plan import PlanRules

__all__ = ["ENGINE"]

_NO_CACHE = hashing.VocabHashCache(max_entries=0)


def _workers(columns: Sequence[np.ndarray], types: Sequence[str], workers: int, settings: EngineSettings,
             from_text: bool) -> np.ndarray:
    texts = [[v if type(v) is str else hashing.display_string(v) for v in c.tolist()] for c in columns]
    if len(texts) == 1:
        vocab = np.asarray(texts[0], dtype=object).reshape(-1)
        hashes = hashing.hash_vocab(vocab, "mmh3", "string", cache=_NO_CACHE)
        return (hashes % np.uint64(workers)).astype(np.int64)
    return np.fromiter((hashing.worker_of(row, workers) for row in zip(*texts, strict=True)),
                       dtype=np.int64, count=len(texts[0]))


# Where this engine re-distributes records between operators (core.plan reads it).
PLAN_RULES = PlanRules(
    "partition-lab", trusts_source_key=True, subset_satisfies=True, global_order_by=False,
    skips_aligned_shuffle=True,
    description="hashes where an operator needs it, skipped where the source is already aligned")

ENGINE = Engine(plan_rules=PLAN_RULES, name="partition-lab", workers_of=_workers,
                hash_doc="mmh3 x86 32 of the length-prefixed key bytes, % W (the project's default)")
