"""Engine settings written in the script: ``SET 'key' = 'value'`` lines (Flink, Spark, ksqlDB forms).

A light scan, enough for the settings that change placement (``pipeline.max-parallelism``,
``spark.sql.shuffle.partitions``); the plan layer's full SET handling will supersede it. Accepts
``SET 'k' = 'v';``, ``SET k = v;``, ``SET k=v`` and Spark's ``SET k v``-less ``SET k=v``.
"""

from __future__ import annotations

import re

from core.engines.base import EngineSettings
from core.errors import InvalidConfigError

__all__ = ["script_settings", "engine_settings", "MAX_PARALLELISM_KEY", "SHUFFLE_PARTITIONS_KEY"]

MAX_PARALLELISM_KEY = "pipeline.max-parallelism"
SHUFFLE_PARTITIONS_KEY = "spark.sql.shuffle.partitions"
_SET = re.compile(
    r"""^[ \t]*SET[ \t]+(?P<q>['"`]?)(?P<key>[A-Za-z0-9_.\-]{1,200})(?P=q)[ \t]*=?[ \t]*"""
    r"""(?P<vq>['"]?)(?P<value>[^'";\n]{0,200})(?P=vq)[ \t]*;?""",
    re.IGNORECASE | re.MULTILINE)


def script_settings(sql: str) -> dict[str, str]:
    """Every ``SET`` in the script, later ones winning; keys lower-cased."""
    return {m["key"].lower(): m["value"].strip() for m in _SET.finditer(sql)}


def _integer(settings: dict[str, str], key: str) -> int | None:
    text = settings.get(key)
    if text is None:
        return None
    if not re.fullmatch(r"\d{1,6}", text):
        raise InvalidConfigError(f"SET '{key}' = '{text}': expected a positive integer")
    return int(text)


def engine_settings(sql: str, max_parallelism: int | None = None) -> tuple[EngineSettings, int | None]:
    """(settings for routing, Spark's shuffle partitions or None); an explicit option beats SET."""
    found = script_settings(sql)
    maxp = max_parallelism if max_parallelism is not None else _integer(found, MAX_PARALLELISM_KEY)
    return EngineSettings(max_parallelism=maxp), _integer(found, SHUFFLE_PARTITIONS_KEY)
