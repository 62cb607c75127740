"""Every source a plan reads, as batches plus each needed column's domain ids.

Synthetic sources (one topic per source operator, ``records`` records each) are drawn from the
seed alone: source ``i`` uses ``seed + i·2^40`` (source 0 uses the seed itself, so its columns
are the ones the strategy comparison replays), in fixed blocks, so batch size and process count
never change a value. Join columns share one key domain: a record's key is drawn from the shared
domain ``0..K-1`` with probability ``match_rate`` (decided per record, deterministically), else
from a range of its own source (``K·(1+i) + code``) that no other source uses — so about
``match_rate`` of each side's records can find a partner, whatever the key distribution.

A trace (``--trace SOURCE=FILE``) replaces a source's records; it must hold the columns the plan
reads of that source. Values are compared by their display strings, so two traces join where
their key values are equal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

import numpy as np

from core.errors import InvalidConfigError
from core.hashing import display_string
from core.model.catalog import TableDef
from core.simulation.stages.columns import SourceColumns, column_id, table_name
from core.workload.batch import Batch
from core.workload.producers import KeyHashPartitioner
from core.workload.schema import ColumnSpec, EventTimeSpec, WorkloadSchema, key_vocab
from core.workload.synthetic import TopicSpec, generate
from core.workload.trace import Trace, read_trace

__all__ = ["ReplaySource", "Domains", "sources_for", "TRACE_ID_BASE"]

TRACE_ID_BASE = 1 << 40  # ids of values read from traces (synthetic ids stay below)
_BLOCK = 1 << 16
_MATCH_STREAM = 0x3A7C


class Domains:
    """Value ids per key domain: synthetic codes as they are, trace values numbered by their text."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        self.prefixes = dict(prefixes)  # domain → display prefix of its synthetic values
        self._ids: dict[str, dict[str, int]] = {}
        self._texts: dict[str, list[str]] = {}
        self._vocab_ids: dict[tuple[str, int], np.ndarray] = {}

    def text_ids(self, domain: str, texts: list[str]) -> np.ndarray:
        ids, store = self._ids.setdefault(domain, {}), self._texts.setdefault(domain, [])
        out = np.empty(len(texts), np.int64)
        for i, t in enumerate(texts):
            j = ids.get(t)
            if j is None:
                j = ids[t] = len(store)
                store.append(t)
            out[i] = j + TRACE_ID_BASE
        return out

    def vocab_ids(self, domain: str, vocab: np.ndarray) -> np.ndarray:
        """Ids of a (possibly growing) trace vocabulary's entries, each entry looked up once."""
        key = (domain, id(vocab))
        known = self._vocab_ids.get(key, np.zeros(0, np.int64))
        if len(known) < len(vocab):
            fresh = self.text_ids(domain, [display_string(v) for v in vocab[len(known):].tolist()])
            known = np.concatenate([known, fresh])
            self._vocab_ids[key] = known
        return known

    def display(self, domain: str, ids: np.ndarray) -> np.ndarray:
        """Display strings of ids (synthetic ``prefix_id``, trace values as read, NULL as ``null``)."""
        texts = self._texts.get(domain, [])
        prefix = self.prefixes.get(domain, "key")
        return np.asarray([("null" if i < 0 else f"{prefix}_{i}" if i < TRACE_ID_BASE
                            else texts[i - TRACE_ID_BASE]) for i in ids.tolist()], dtype=object)


@dataclass(frozen=True)
class ReplaySource:
    """One source operator's records: ``read()`` yields (batch, column id → domain id per record)."""

    op: int
    name: str
    kind: str  # synthetic | trace
    records: int
    partitions: int
    columns: tuple[str, ...]  # column ids (table.column) it provides
    written: Mapping[str, str]  # column id → the column's name in the batches
    read: Callable[[], Iterator[tuple[Batch, dict[str, np.ndarray]]]]


def _match_mask(seed: int, source: int, start: int, n: int, rate: float) -> np.ndarray:
    """Per record: does its join key come from the shared domain? Blocked, so batch size is irrelevant."""
    if rate >= 1.0:
        return np.ones(n, dtype=bool)
    out, end = [], start + n
    for block in range((start // _BLOCK), (end - 1) // _BLOCK + 1):
        draws = np.random.default_rng([seed, _MATCH_STREAM, source, block]).random(_BLOCK) < rate
        lo, hi = max(start, block * _BLOCK), min(end, (block + 1) * _BLOCK)
        out.append(draws[lo - block * _BLOCK: hi - block * _BLOCK])
    return np.concatenate(out) if out else np.zeros(0, dtype=bool)


def _synthetic(index: int, op: int, name: str, needed: Mapping[str, str], cols: SourceColumns,
               topic_keys: tuple[str, ...], domains: Domains, *, records: int, partitions: int, keys: int,
               distribution: str, producer: str | None, seed: int, batch_size: int, match_rate: float,
               sources: int) -> ReplaySource:
    written = {column_id(name, w): w for w in needed.values()}
    for k in topic_keys:
        written.setdefault(column_id(name, k), k)
    names = tuple(dict.fromkeys(written.values()))
    schema = WorkloadSchema(columns=tuple(ColumnSpec.categorical(c, keys, distribution) for c in names),
                            event_time=EventTimeSpec())
    keyed = tuple(k for k in topic_keys if k in names)
    topic = TopicSpec(name=name or "source", partitions=partitions, key_columns=keyed,
                      producer=producer if keyed or producer in ("sticky", "round_robin") else None)
    source_seed = seed + (index << 40)
    joined = {cid: w for cid, w in written.items() if cols.joined(cid)}
    span = keys * (1 + sources)
    vocabs = {w: key_vocab(domains.prefixes[cols.domain(cid)], span) for cid, w in joined.items()}
    hasher = (KeyHashPartitioner(topic.producer or "murmur2", partitions,
                                 [vocabs[k] if k in vocabs else key_vocab(k, keys) for k in keyed])
              if topic.keyed and any(k in vocabs for k in keyed) else None)

    def read() -> Iterator[tuple[Batch, dict[str, np.ndarray]]]:
        start = 0
        for batch in generate(topic, schema, records, source_seed, batch_size):
            n = len(batch)
            if joined:
                mask = _match_mask(source_seed, index, start, n, match_rate)
                for w in joined.values():
                    code = batch.codes[w].astype(np.int64)
                    batch.codes[w] = np.where(mask, code, code + keys * (1 + index))
                    batch.vocab[w] = vocabs[w]
                if hasher is not None:
                    batch.partition = hasher.assign([batch.codes[k].astype(np.int64) for k in keyed])
            start += n
            yield batch, {cid: batch.codes[w].astype(np.int64) for cid, w in written.items()}

    return ReplaySource(op, name, "synthetic", records, partitions, tuple(written), written, read)


def _traced(op: int, name: str, needed: Mapping[str, str], cols: SourceColumns,
            path: Trace | str | PathLike[str],
            topic_keys: tuple[str, ...], domains: Domains, partitions: int | None) -> ReplaySource:
    trace = path if isinstance(path, Trace) else read_trace(
        Path(path), partitions=partitions, required_columns=tuple(needed.values()), key_columns=topic_keys)
    available = {c.lower(): c for c in trace.columns}
    written: dict[str, str] = {}
    for low, w in needed.items():
        if low not in available and isinstance(path, Trace):
            # A trace read already (its columns mapped by the caller): like the strategy table, the
            # replay goes on without the column, with a note; a file named here must have it.
            cols.notes.append(f"the trace of {name} has no column {w!r}: stage keys on it are replayed "
                              "as one key")
            continue
        if low not in available:
            raise InvalidConfigError(f"trace for source {name}: no column {w!r}, which the plan needs; "
                                     "it has "
                                     f"{', '.join(trace.columns) or '(none)'}")
        written[column_id(name, w)] = available[low]

    def read() -> Iterator[tuple[Batch, dict[str, np.ndarray]]]:
        for batch in trace.batches():
            ids = {}
            for cid, w in written.items():
                domain = cols.domain(cid)
                if w in batch.codes:
                    ids[cid] = domains.vocab_ids(domain, batch.vocab[w])[batch.codes[w]]
                else:
                    distinct, inverse = np.unique(batch.values[w], return_inverse=True)
                    texts = [display_string(v) for v in distinct.tolist()]
                    ids[cid] = domains.text_ids(domain, texts)[inverse.reshape(-1)]
            yield batch, ids

    return ReplaySource(op, name, "trace", trace.records, trace.partitions, tuple(written), written, read)


def _trace_for(name: str, index: int, traces: Mapping[str, Trace | str | PathLike[str]]
               ) -> Trace | str | PathLike[str] | None:
    low = table_name(name)
    for key, value in traces.items():
        if key.lower() in (low, low.split(".")[-1]) or (key == "" and index == 0):
            return value
    return None


def sources_for(cols: SourceColumns, catalog: Mapping[str, TableDef], *, records: int, partitions: int,
                keys: int, distribution: str, producer: str | None, seed: int, batch_size: int,
                match_rate: float, traces: Mapping[str, Trace | str | PathLike[str]] | None = None,
                first_keys: tuple[str, ...] = ()) -> tuple[list[ReplaySource], Domains]:
    """One :class:`ReplaySource` per source operator of the plan (traces where given, else synthetic).

    ``traces`` maps a source (table) name to its trace; the key ``""`` is a trace for the first source.
    ``first_keys`` are the message-key columns of the first source when the catalog has none.
    """
    traces = dict(traces or {})
    known = {table_name(n) for n in cols.names.values()} | {table_name(n).split(".")[-1]
                                                             for n in cols.names.values()}
    unknown = [k for k in traces if k and k.lower() not in known]
    if unknown:
        raise InvalidConfigError(f"--trace {unknown[0]}=…: the statement reads no source {unknown[0]!r}; "
                                 f"its sources: {', '.join(cols.names.values())}")
    written_of: dict[str, str] = {}
    for op, name in cols.names.items():
        table = catalog.get(table_name(name))
        for w in (*cols.needed.get(op, {}).values(), *(table.key if table is not None else ())):
            written_of.setdefault(column_id(name, w), w)
    # A domain's synthetic values are named after its root column, so joined sides show the same text.
    prefixes = {cols.domain(cid): written_of.get(cols.domain(cid), w) for cid, w in written_of.items()}
    prefixes.update({cid: w for cid, w in written_of.items() if cols.domain(cid) == cid})
    domains = Domains(prefixes)
    out = []
    n_sources = len(cols.names)
    for index, (op, name) in enumerate(sorted(cols.names.items())):
        table = catalog.get(table_name(name))
        default_keys = first_keys if index == 0 else ()
        topic_keys = tuple(table.key) if table is not None and table.key else default_keys
        needed = cols.needed.get(op, {})
        trace = _trace_for(name, index, traces)
        if trace is not None:
            out.append(_traced(op, name, needed, cols, trace, topic_keys, domains, None))
        else:
            for k in topic_keys:
                domains.prefixes.setdefault(column_id(name, k), k)
            out.append(_synthetic(index, op, name, needed, cols, topic_keys, domains, records=records,
                                  partitions=partitions,
                                  keys=keys, distribution=distribution, producer=producer, seed=seed,
                                  batch_size=batch_size, match_rate=match_rate, sources=n_sources))
    return out, domains
