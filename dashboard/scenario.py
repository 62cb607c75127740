"""One what-if scenario: every input of the Analyze & replay page, as hashable plain data.

The URL parameter names are the widget keys (``bind="query-params"``), so a scenario round-trips
through a shared link. Defaults live here once; components read them when drawing widgets.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

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
]

DEFAULT_SQL = "SELECT symbol, COUNT(*) AS trades\nFROM trades\nGROUP BY symbol"

# A shared link replays by itself up to this many records; above it a button asks first.
AUTO_REPLAY_BUDGET = 500_000
# The dashboard refuses larger replays (the CLI has no such cap).
RECORD_CAP = 5_000_000

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
        return self.records <= AUTO_REPLAY_BUDGET

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> Scenario:
        """A scenario from loose values (URL parameters, session state); bad numbers fall back."""
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in values or values[f.name] is None:
                continue
            default = getattr(DEFAULTS, f.name)
            raw = values[f.name]
            try:
                kwargs[f.name] = type(default)(raw) if default is not None else raw
            except (TypeError, ValueError):
                continue
        return cls(**kwargs)


DEFAULTS = Scenario()


def parse_source_keys(text: str) -> tuple[str, ...]:
    """``"trades=symbol; quotes=sym,venue"`` -> ``("trades=symbol", "quotes=sym,venue")``.

    Each item is in the CLI's ``[SOURCE=]COL[,COL]`` form; blanks are dropped.
    """
    items = (part.strip() for part in text.replace("\n", ";").split(";"))
    return tuple(" ".join(item.split()) for item in items if item)
