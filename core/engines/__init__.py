"""Engines: each one's exact key → worker function (and, later, its plan rules), by name.

``get_engine(name)`` accepts the names in :data:`ENGINE_NAMES` in any case, with ``_`` for ``-``;
an unknown name raises :class:`~core.errors.InvalidConfigError` listing them.
"""

from __future__ import annotations

from core.engines import flink, kafka_streams, partition_lab, spark, velostream
from core.engines.base import Engine, EngineSettings
from core.errors import InvalidConfigError

__all__ = ["ENGINES", "ENGINE_NAMES", "DEFAULT_ENGINE", "Engine", "EngineSettings", "get_engine",
           "engine_for_dialect"]

ENGINES: dict[str, Engine] = {e.name: e for e in (
    partition_lab.ENGINE, velostream.ENGINE, flink.ENGINE, spark.ENGINE, kafka_streams.ENGINE)}
ENGINE_NAMES: tuple[str, ...] = tuple(ENGINES)
DEFAULT_ENGINE = "partition-lab"
_DIALECT_ENGINE = {"velostream": "velostream", "flink": "flink", "spark": "spark", "ksqldb": "kafka-streams"}


def get_engine(name: str) -> Engine:
    """The engine called ``name`` (``Flink``, ``kafka_streams`` and ``kafka-streams`` all work)."""
    key = str(name).strip().lower().replace("_", "-")
    engine = ENGINES.get(key)
    if engine is None:
        raise InvalidConfigError(f"unknown engine {name!r}; valid: {', '.join(ENGINE_NAMES)}")
    return engine


def engine_for_dialect(dialect: str) -> str:
    """DESIGN.md's dialect → engine rule (velostream, flink, spark, ksqldb; others partition-lab)."""
    return _DIALECT_ENGINE.get(str(dialect).strip().lower(), DEFAULT_ENGINE)
