"""The replay judge: workers' real output compared with the reference's, value by value."""

from __future__ import annotations

import numpy as np

from core.simulation.judge import check
from core.simulation.plan import Plan
from core.simulation.worker import Chunk, Operator, OperatorSpec, WorkerOutput

_SUM = OperatorSpec("aggregate", (("SUM", 0), ("COUNT", None)), track_order=False)


def _plan(spec: OperatorSpec) -> Plan:
    return Plan(spec, ("k",), ("k",), False, ("v",), ("SUM(v)", "COUNT(*)"), ())


def _chunk(key: list[int], value: list[float]) -> Chunk:
    n = len(key)
    empty = np.empty(0, np.int64)
    return Chunk(np.array(key, np.int64), empty, empty, empty, np.arange(n, dtype=np.int64),
                 (np.array(value, np.float64),))


def _output(spec: OperatorSpec, chunk: Chunk, index: list[int]) -> WorkerOutput:
    op = Operator(spec)
    op.process(chunk.take(np.array(index, np.int64), frozenset({"key", "values", "seq"})))
    return op.finish()


def test_groups_that_all_exist_once_with_wrong_values_are_wrong() -> None:
    # Key 1's records are split over two workers; a merge that drops worker 1's partial row leaves
    # every group present exactly once (no fragment, no duplicate), yet key 1's SUM and COUNT are
    # partial. Only the value comparison can see it.
    chunk = _chunk([0, 0, 1, 1, 1, 2], [1.0, 2.0, 10.0, 20.0, 30.0, 5.0])
    reference = _output(_SUM, chunk, list(range(6)))
    kept = _output(_SUM, chunk, [0, 1, 2, 5])  # worker 0: keys 0 and 2 whole, key 1 partly
    dropped = _output(_SUM, chunk, [3, 4])  # worker 1: key 1's other records
    merged_wrongly = WorkerOutput(table=kept.table, streams={}, rows=4)
    empty = WorkerOutput(table={k: v[:0] for k, v in dropped.table.items()}, streams={}, rows=2)
    verdict = check(_plan(_SUM), reference, [merged_wrongly, empty])
    assert (verdict.fragmented_groups, verdict.duplicate_rows) == (0, 0)
    assert verdict.wrong_groups == 1
    assert not verdict.correct
    assert "1 of 3" in verdict.verdict


def test_a_faithful_split_by_key_is_correct() -> None:
    chunk = _chunk([0, 0, 1, 1, 1, 2], [1.0, 2.0, 10.0, 20.0, 30.0, 5.0])
    reference = _output(_SUM, chunk, list(range(6)))
    split = [_output(_SUM, chunk, [0, 1, 5]), _output(_SUM, chunk, [2, 3, 4])]
    verdict = check(_plan(_SUM), reference, split)
    assert verdict.correct and verdict.wrong_groups == 0 and verdict.groups == 3
