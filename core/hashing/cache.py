"""The vocabulary hash cache: hashes of vocabularies and key combinations, reused across batches.

The cache only stores arrays; what goes in it is decided by :mod:`core.hashing.gather`.
"""

from __future__ import annotations

import hashlib
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np

from core.hashing.keys import display_string

__all__ = ["VocabHashCache", "DEFAULT_CACHE"]


class VocabHashCache:
    """Hashes of vocabularies and key combinations, reused across batches.

    Keyed by *contents* (a digest of the display strings), so a source that rebuilds an equal
    vocabulary per batch still hits; each vocab object is digested once (identity fast path,
    dropped when the array is freed). Vocabularies are treated as immutable once routed.

    Bounded by bytes: least recently used entries are evicted once the arrays held exceed
    ``max_bytes`` (256 MB); only the entry just stored may take the total past it, since its caller
    is using it. ``max_entries`` optionally caps the count too (None = no cap, 0 = keep nothing).
    """

    def __init__(self, max_entries: int | None = None, max_bytes: int = 256 << 20) -> None:
        # Bytes are what hurt (a 10M-key vocabulary's table is 40-80 MB); a count cap is optional.
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._bytes = 0
        self._digests: dict[int, tuple[weakref.ref[np.ndarray], int, str]] = {}
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()

    def fingerprint(self, vocab: np.ndarray) -> str:
        """Content digest of a vocabulary (display strings, unambiguous via their lengths)."""
        known = self._digests.get(id(vocab))
        if known is not None and known[0]() is vocab and known[1] == len(vocab):
            return known[2]
        texts = [v if type(v) is str else display_string(v) for v in vocab.tolist()]
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        digest = hashlib.blake2b(lengths.tobytes(), digest_size=16)
        digest.update("".join(texts).encode("utf-8", "surrogatepass"))
        result = digest.hexdigest()
        try:
            ref = weakref.ref(vocab, self._forget(id(vocab)))
        except TypeError:  # not weak-referenceable: digest again next time
            return result
        self._digests[id(vocab)] = (ref, len(vocab), result)
        return result

    def _forget(self, ident: int) -> Callable[[weakref.ref[np.ndarray]], None]:
        def forget(ref: weakref.ref[np.ndarray]) -> None:
            known = self._digests.get(ident)
            if known is not None and known[0] is ref:
                del self._digests[ident]

        return forget

    def get(self, key: Hashable) -> Any:
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
        return value

    def put(self, key: Hashable, value: Any) -> None:
        if key in self._entries:
            self._bytes -= _nbytes(self._entries.pop(key))
        self._entries[key] = value
        self._bytes += _nbytes(value)
        # Evict oldest first. Over the byte budget the entry just stored stays (the caller is
        # using it); max_entries=0 means keep nothing at all.
        while (self.max_entries is not None and len(self._entries) > self.max_entries) or (
            len(self._entries) > 1 and self._bytes > self.max_bytes
        ):
            self._bytes -= _nbytes(self._entries.popitem(last=False)[1])

    def clear(self) -> None:
        self._digests.clear()
        self._entries.clear()
        self._bytes = 0

    @property
    def nbytes(self) -> int:
        return self._bytes

    def __reduce__(self) -> tuple[Any, ...]:
        # Sent to a worker process (inside a RoutingContext) a cache travels empty: weak
        # references cannot be pickled and the hashes are cheap to rebuild there. The shared
        # default cache stays the receiving process's own default cache.
        if self is DEFAULT_CACHE:
            return (_default_cache, ())
        return (VocabHashCache, (self.max_entries, self.max_bytes))

    def __len__(self) -> int:
        return len(self._entries)


def _nbytes(value: Any) -> int:
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, list | tuple):
        return sum(_nbytes(v) for v in value)
    return 0


DEFAULT_CACHE = VocabHashCache()


def _default_cache() -> VocabHashCache:
    return DEFAULT_CACHE
