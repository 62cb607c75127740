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
]

DEFAULT_SQL = "SELECT symbol, COUNT(*) AS trades\nFROM trades\nGROUP BY symbol"

# The record limits of the work budget (core.limits): up to AUTO_REPLAY_BUDGET a replay may start by
# itself (if the rest of its estimate fits too); above RECORD_CAP the dashboard refuses it.
AUTO_REPLAY_BUDGET = limits.AUTO_RUN_MAX_RECORDS
RECORD_CAP = limits.DASHBOARD_MAX_RECORDS
# Worker processes a dashboard replay may start (the widget's maximum; CPUs cap it further).
MAX_PROCESSES = 16

TREE_PRESETS: tuple[str, ...] = ("seed", "extended", "velostream")
# "auto": murmur2 when the source key is known, else a null-key sticky producer (Kafka's default).
PRODUCERS: tuple[str, ...] = ("auto", "murmur2", "crc32", "sticky", "round_robin")
DIALECTS: tuple[str, ...] = ("velostream", "ksqldb", "flink", "spark", "risingwave")

# The scenario inputs that travel in the URL, in the order a reader meets them.
URL_PARAMS: tuple[str, ...] = (
    "sql",
    "dialect",
    "tree",
    "source_key",
    "partitions",
    "strategy",
    "records",
    "workers",
    "keys",
    "distribution",
    "producer",
    "seed",
)


# Every numeric widget's range, shared by the widget and by URL reading (a URL is clamped into it).
BOUNDS: dict[str, tuple[int, int]] = {
    "partitions": (1, 1024),
    "records": (1, RECORD_CAP),
    "workers": (1, 256),
    "keys": (1, 10_000_000),
    "seed": (0, 2**53 - 1),  # what a browser's number field holds exactly
}
# Longest text a text widget takes (and a URL parameter is cut to).
TEXT_LIMITS: dict[str, int] = {"sql": 100_000, "source_key": 1_000, "distribution": 100}
# Selectbox options: a URL value outside them falls back to the default.
CHOICES: dict[str, tuple[str, ...]] = {}


def clamp(name: str, raw: object, default: int) -> int:
    """A bound number widget's value for URL text ``raw``: clamped into its range, default if not a number."""
    low, high = BOUNDS[name]
    try:
        number = float(str(raw).strip())
    except (ValueError, OverflowError):
        return default
    if math.isnan(number):
        return default
    return int(min(max(number, low), high))


def sanitized_numbers(params: dict[str, Any]) -> dict[str, str]:
    """The bound number parameters of ``params`` that need rewriting before their widgets read them
    (Streamlit's number_input raises on ``inf`` and ``1e400``): each clamped like its widget, or
    dropped (empty string) when it is no number at all."""
    fixes: dict[str, str] = {}
    for name in BOUNDS:
        raw = params.get(name)
        if raw is None:
            continue
        text = str(raw[-1] if isinstance(raw, list | tuple) and raw else raw)
        value = str(clamp(name, text, getattr(DEFAULTS, name)))
        if text != value:
            fixes[name] = value
    return fixes


@dataclass(frozen=True)
class Scenario:
    """Inputs of one analysis + replay; frozen and hashable so it keys the caches."""

    sql: str = DEFAULT_SQL
    dialect: str = "velostream"
    tree: str = "seed"
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

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> Scenario:
        """A scenario from URL parameters: only the shareable ones (URL_PARAMS) are read, each checked
        like its widget (numbers clamped into the widget's range, unknown choices and non-numbers back
        to the default, text cut to the widget's length). Session-only inputs (processes, an uploaded
        tree, the input rate) can never come from a URL."""
        kwargs: dict[str, Any] = {}
        for name in URL_PARAMS:
            raw = values.get(name)
            if isinstance(raw, list | tuple):
                raw = raw[-1] if raw else None
            if raw is None:
                continue
            default = getattr(DEFAULTS, name)
            if name in BOUNDS:
                kwargs[name] = clamp(name, raw, default)
            elif name in TEXT_LIMITS:
                kwargs[name] = str(raw)[: TEXT_LIMITS[name]]
            elif str(raw) in _choices(name):
                kwargs[name] = str(raw)
        return cls(**kwargs)


def _choices(name: str) -> tuple[str, ...]:
    if not CHOICES:  # filled lazily: the strategy names come from core
        from core.strategies.names import STRATEGY_NAMES

        CHOICES.update(dialect=DIALECTS, tree=TREE_PRESETS, producer=PRODUCERS,
                       strategy=("auto", *STRATEGY_NAMES))
    return CHOICES.get(name, ())


DEFAULTS = Scenario()


def parse_source_keys(text: str) -> tuple[str, ...]:
    """``"trades=symbol; quotes=sym,venue"`` -> ``("trades=symbol", "quotes=sym,venue")``.

    Each item is in the CLI's ``[SOURCE=]COL[,COL]`` form; blanks are dropped.
    """
    items = (part.strip() for part in text.replace("\n", ";").split(";"))
    return tuple(" ".join(item.split()) for item in items if item)
