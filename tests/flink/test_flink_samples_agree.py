"""`verify` agrees with Flink 2.3's planner on every shipped sample whose dialect is Flink (marked `flink`).

Each sample runs in a fresh TableEnvironment of the session's one JVM (``FlinkSession.reset``), so
samples that declare the same table names do not collide and the planner stays warm.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.flink
pytest.importorskip("pyflink")

from core.flink.explain import explain_script  # noqa: E402
from core.flink.verify import partition_lab_exchanges, verify_report  # noqa: E402

SAMPLES = Path(__file__).resolve().parents[2] / "sample_queries"
FLINK_SAMPLES = sorted(p for p in SAMPLES.glob("*.sql")
                       if re.search(r"^--\s*dialect:\s*flink\s*$", p.read_text(encoding="utf-8"), re.M))


def test_there_are_flink_samples() -> None:
    assert len(FLINK_SAMPLES) >= 8


@pytest.mark.parametrize("path", FLINK_SAMPLES, ids=lambda p: p.stem)
def test_verify_agrees_with_flink_on_the_sample(flink_session: Any, path: Path) -> None:
    flink_session.reset()
    sql = path.read_text(encoding="utf-8")
    report = verify_report(explain_script(sql, flink_session), partition_lab_exchanges(sql, "flink"))
    assert report["statements"], "the sample has no statement Flink explained"
    for st in report["statements"]:
        assert st["agree"], (path.name, st["index"], st["flink"], st["partition_lab"], st["notes"])
    # Every sample shuffles somewhere or says why not: an empty Flink side must be empty on ours too.
    assert all(bool(st["flink"]) == bool(st["partition_lab"]) for st in report["statements"])
