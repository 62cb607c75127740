"""Every shipped sample query parses in the dialect its header declares (golden fixtures)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.sql import parse_script

_SAMPLES = sorted((Path(__file__).resolve().parents[2] / "sample_queries").glob("*.sql"))
_DIALECT = re.compile(r"^--\s*dialect:\s*(\w+)", re.MULTILINE)


@pytest.mark.skipif(not _SAMPLES, reason="no sample queries shipped yet")
@pytest.mark.parametrize("path", _SAMPLES, ids=lambda p: p.stem)
def test_sample_parses(path: Path) -> None:
    sql = path.read_text(encoding="utf-8")
    match = _DIALECT.search(sql)
    statements = parse_script(sql, match.group(1) if match else "velostream")
    assert statements
    for stmt in statements:
        assert stmt.sql and sql[stmt.start : stmt.end] == stmt.sql
