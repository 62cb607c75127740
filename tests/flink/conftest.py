"""One Flink child JVM for every `flink`-marked test that only explains (verify, the shipped samples)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session")
def flink_session() -> Iterator[object]:
    pytest.importorskip("pyflink")
    from core.flink.runner import FlinkSession

    with FlinkSession(start_timeout_s=300, timeout_s=300) as session:
        yield session
