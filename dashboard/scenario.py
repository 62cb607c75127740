"""One what-if scenario: every input of the Analyze & replay page, as hashable plain data.

The URL parameter names are the widget keys (``bind="query-params"``), so a scenario round-trips
through a shared link. Defaults live here once; components read them when drawing widgets.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from core import limits

__all__ = [
    "Scenario",
    "DEFAULTS",
    "URL_PARAMS",
    "AUTO_REPLAY_BUDGET",
    "RECORD_CAP",
    "TREE_PRESETS",
    "PRODUCERS",
    "DIALECTS",
    "parse_source_keys",
    "BOUNDS",
    "TEXT_LIMITS",
    "CHOICES",
    "clamp",
    "sanitized_numbers",
    "MAX_PROCESSES",
    "SQL_FORMS",
    "FLOAT_BOUNDS",
    "clamp_float",
    "linked_sql",
]

DEFAULT_SQL = "SELECT symbol, COUNT(*) AS trades\nFROM trades\nGROUP BY symbol"

# The record limits of the work budget (core.limits): up to AUTO_REPLAY_BUDGET a replay may start by
# itself (if the rest of its estimate fits too); above RECORD_CAP the dashboard refuses it.
AUTO_REPLAY_BUDGET = limits.AUTO_RUN_MAX_RECORDS
RECORD_CAP = limits.DASHBOARD_MAX_RECORDS
# Worker processes a dashboard replay may start (the widget's maximum; CPUs cap it further).
MAX_PROCESSES = 16

TREE_PRESETS: tuple[str, ...] = ("extended", "seed", "velostream")
# "auto": murmur2 when the source key is known, else a null-key sticky producer (Kafka's default).
PRODUCERS: tuple[str, ...] = ("auto", "murmur2", "crc32", "sticky", "round_robin")
DIALECTS: tuple[str, ...] = ("velostream", "ksqldb", "flink", "spark", "risingwave")

# The scenario inputs that travel in the URL, in the order a reader meets them (the SQL may instead come
# as ``sqlz``, deflated, or ``sample``, a shipped sample's name: see dashboard/share.py).
URL_PARAMS: tuple[str, ...] = (
    "sql",
    "dialect",
    "engine",
    "tree",
    "source_key",
    "partitions",
    "strategy",
    "records",
    "workers",
    "keys",
    "distribution",
    "producer",
    "input_rate",
    "processes",
    "seed",
    "tree_text",
    "tree_name",
    "statement",
)
# Encoded forms of the SQL a link may carry instead of ``sql`` (``sql`` wins when both are there).
SQL_FORMS: tuple[str, ...] = ("sqlz", "sample")


# Every numeric widget's range, shared by the widget and by URL reading (a URL is clamped into it).
BOUNDS: dict[str, tuple[int, int]] = {
    "partitions": (1, 1024),
    "records": (1, RECORD_CAP),
    "workers": (1, 256),
    "keys": (1, 10_000_000),
    "seed": (0, 2**53 - 1),  # what a browser's number field holds exactly
    "processes": (0, MAX_PROCESSES),  # core caps them further at the machine's CPUs
    "statement": (-1, 10_000),
}
# Float inputs: records/s offered (0 = as fast as the workers go).
FLOAT_BOUNDS: dict[str, tuple[float, float]] = {"input_rate": (0.0, 1e12)}
# Longest text a text widget takes (and a URL parameter is cut to).
TEXT_LIMITS: dict[str, int] = {"sql": 100_000, "source_key": 1_000, "distribution": 100,
                               "tree_text": 256 * 1024, "tree_name": 60}
# Selectbox options: a URL value outside them falls back to the default.
CHOICES: dict[str, tuple[str, ...]] = {}


def _number(raw: object) -> float | None:
    """URL text ``raw`` as a number, or None when it is not one (NaN included)."""
    try:
        number = float(str(raw).strip())
    except (ValueError, OverflowError):
        return None
    return None if math.isnan(number) else number


def clamp(name: str, raw: object, default: int) -> int:
    """A bound number widget's value for URL text ``raw``: clamped into its range, default if not a number."""
    low, high = BOUNDS[name]
    number = _number(raw)
    return default if number is None else int(min(max(number, low), high))


def clamp_float(name: str, raw: object, default: float) -> float:
    """A float widget's value for URL text ``raw``: clamped into its range, default if not a number."""
    low, high = FLOAT_BOUNDS[name]
    number = _number(raw)
    return default if number is None else min(max(number, low), high)


def sanitized_numbers(params: dict[str, Any]) -> dict[str, str]:
    """The bound number parameters of ``params`` that need rewriting before their widgets read them
    (Streamlit's number_input raises on ``inf`` and ``1e400``): each clamped like its widget, or
    dropped (empty string) when it is no number at all."""
    fixes: dict[str, str] = {}
    for name in (*BOUNDS, *FLOAT_BOUNDS):
        raw = params.get(name)
        if raw is None:
            continue
        text = str(raw[-1] if isinstance(raw, list | tuple) and raw else raw)
        value = str(clamp_float(name, text, getattr(DEFAULTS, name)) if name in FLOAT_BOUNDS
                    else clamp(name, text, getattr(DEFAULTS, name)))
        if text != value:
            fixes[name] = value
    return fixes


@dataclass(frozen=True)
class Scenario:
    """Inputs of one analysis + replay; frozen and hashable so it keys the caches."""

    sql: str = DEFAULT_SQL
    dialect: str = "velostream"
    engine: str = ""  # "" = the dialect's engine
    tree: str = "extended"
    source_key: str = "symbol"
    partitions: int = 8
    strategy: str = "auto"
    records: int = 200_000
    workers: int = 4
    keys: int = 1_000
    distribution: str = "zipf:1.1"
    producer: str = "auto"
    seed: int = 42
    input_rate: float = 0.0  # records/s offered to the job; 0 = as fast as the workers go
    processes: int = 0  # 0 = the inline engine (same results, no process start-up)
    tree_text: str | None = None  # an uploaded tree file's content, used instead of the preset
    tree_name: str = "uploaded"  # that file's name without extension
    statement: int = -1  # which statement of a multi-statement script to replay (-1 = the last)

    @property
    def strategy_override(self) -> str | None:
        return None if self.strategy in ("", "auto") else self.strategy

    @property
    def producer_override(self) -> str | None:
        return None if self.producer in ("", "auto") else self.producer

    @property
    def source_keys(self) -> tuple[str, ...]:
        return parse_source_keys(self.source_key)

    @property
    def auto_replay(self) -> bool:
        """Within the auto-run record and key limits (the full estimate also counts windows)."""
        return self.records <= AUTO_REPLAY_BUDGET and self.keys <= limits.AUTO_RUN_MAX_KEYS

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def engine_override(self) -> str | None:
        return self.engine or None

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> Scenario:
        """A scenario from URL parameters: only the shareable ones (URL_PARAMS, SQL_FORMS) are read, each
        checked like its widget (numbers clamped into the widget's range, unknown choices and
        non-numbers back to the default, text cut to the widget's length, processes capped like the
        widget). An uploaded tree comes back only in its encoded form, parsed in memory."""
        from dashboard.share import decode_text

        def last(name: str) -> str | None:
            raw = values.get(name)
            if isinstance(raw, list | tuple):
                raw = raw[-1] if raw else None
            return None if raw is None else str(raw)

        kwargs: dict[str, Any] = {}
        for name in URL_PARAMS:
            raw = last(name)
            if raw is None:
                continue
            default = getattr(DEFAULTS, name)
            if name == "tree_text":
                kwargs[name] = decode_text(raw, TEXT_LIMITS[name])
            elif name in BOUNDS:
                kwargs[name] = clamp(name, raw, default)
            elif name in FLOAT_BOUNDS:
                kwargs[name] = clamp_float(name, raw, default)
            elif name in TEXT_LIMITS:
                kwargs[name] = raw[: TEXT_LIMITS[name]]
            elif raw in _choices(name):
                kwargs[name] = raw
        if "tree_name" in kwargs:
            name = "".join(c for c in kwargs["tree_name"] if c.isalnum() or c in "-_")
            kwargs["tree_name"] = name or DEFAULTS.tree_name
        if "sql" not in kwargs:
            kwargs.update(linked_sql(values))
        return cls(**kwargs)


def linked_sql(values: dict[str, Any]) -> dict[str, str]:
    """The SQL (and a sample's dialect and source key) from a link's ``sqlz`` or ``sample``; {} if none."""
    from dashboard.samples import sample_by_name
    from dashboard.share import decode_text

    def last(name: str) -> str | None:
        raw = values.get(name)
        if isinstance(raw, list | tuple):
            raw = raw[-1] if raw else None
        return None if raw is None else str(raw)

    packed = last("sqlz")
    if packed is not None:
        sql = decode_text(packed, TEXT_LIMITS["sql"])
        return {"sql": sql} if sql is not None else {}
    name = last("sample")
    sample = sample_by_name(name) if name and name.replace("_", "").isalnum() else None
    if sample is None:
        return {}
    out = {"sql": sample.sql}
    if last("dialect") is None and sample.dialect in DIALECTS:
        out["dialect"] = sample.dialect
    if last("source_key") is None:
        out["source_key"] = sample.source_key or ""
    return out


def _choices(name: str) -> tuple[str, ...]:
    if not CHOICES:  # filled lazily: the strategy and engine names come from core
        from core.plan import ENGINES
        from core.strategies import STRATEGY_NAMES

        CHOICES.update(dialect=DIALECTS, tree=TREE_PRESETS, producer=PRODUCERS,
                       strategy=("auto", *STRATEGY_NAMES), engine=("", *ENGINES))
    return CHOICES.get(name, ())


DEFAULTS = Scenario()


def parse_source_keys(text: str) -> tuple[str, ...]:
    """``"trades=symbol; quotes=sym,venue"`` -> ``("trades=symbol", "quotes=sym,venue")``.

    Each item is in the CLI's ``[SOURCE=]COL[,COL]`` form; blanks are dropped.
    """
    items = (part.strip() for part in text.replace("\n", ";").split(";"))
    return tuple(" ".join(item.split()) for item in items if item)
