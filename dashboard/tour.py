"""The guided tour for teaching demos: each step explains one idea as a small live scenario (the
reader moves sliders for keys, skew and workers; the chart answers) and can open it in full."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["TourStep", "TOUR", "STRATEGY_NOTES", "CONTROLS", "LEARN_RECORDS"]

# The sliders a step may show; each maps to a Scenario field.
CONTROLS = ("workers", "keys", "skew")
# Records per live step: small enough to replay in well under a second on the dashboard's budget.
LEARN_RECORDS = 20_000

_GROUP_BY = "SELECT symbol, COUNT(*) AS trades, SUM(price) AS notional\nFROM trades\nGROUP BY symbol"


@dataclass(frozen=True)
class TourStep:
    title: str
    text: str
    scenario: dict[str, object] = field(default_factory=dict)
    controls: tuple[str, ...] = ("workers", "keys", "skew")
    question: str = ""  # what to try with the sliders


TOUR: tuple[TourStep, ...] = (
    TourStep(
        "Partitions and workers",
        "A Kafka topic arrives split into partitions; the job has W parallel workers. A strategy decides "
        "which worker handles each record. Reading partition p on worker p % W needs no shuffle at all.",
        {"sql": _GROUP_BY, "source_key": "symbol", "strategy": "auto", "distribution": "uniform"},
        ("workers",),
        "Move the workers: with 8 partitions, 3 or 5 workers leave some workers with two partitions.",
    ),
    TourStep(
        "An aligned GROUP BY needs no shuffle",
        "The topic is keyed by symbol and the query groups by symbol: every symbol already lives in one "
        "partition, so smart_repartition keeps records where they are. Shuffle fraction: zero.",
        {"sql": _GROUP_BY, "source_key": "symbol", "strategy": "auto", "distribution": "uniform"},
        ("workers", "keys"),
        "smart_repartition's shuffle stays at 0 % whatever the keys and workers.",
    ),
    TourStep(
        "Unknown key → hash",
        "Clear the source key and the analyzer can no longer prove alignment, so it hashes the GROUP BY "
        "keys (always_hash). Still correct, but most records now cross workers.",
        {"sql": _GROUP_BY, "source_key": "", "strategy": "auto", "distribution": "uniform"},
        ("workers", "keys"),
        "With fewer keys than workers some workers get nothing: try 3 keys on 8 workers.",
    ),
    TourStep(
        "Round robin breaks a GROUP BY",
        "Force round_robin: loads are perfectly even, but one symbol's records land on every worker and "
        "each emits its own partial count. The verdict badges turn red.",
        {"sql": _GROUP_BY, "source_key": "symbol", "strategy": "round_robin", "distribution": "uniform"},
        ("workers", "skew"),
        "However skewed the keys, round_robin's loads stay flat — and its results stay wrong.",
    ),
    TourStep(
        "Hot keys skew any hash",
        "With one key carrying half the traffic (hot:0.5) every key-based strategy puts that key on one "
        "worker. Compare max/mean and the backlog over time.",
        {"sql": _GROUP_BY, "source_key": "symbol", "strategy": "auto", "distribution": "hot:0.5"},
        ("workers", "skew"),
        "Raise the hot key's share: the busiest hashed worker grows while more workers stop helping.",
    ),
    TourStep(
        "A global aggregate needs one place",
        "SELECT COUNT(*) without GROUP BY must see every record: the extended tree picks fan_in, which is "
        "correct but runs at 1/W of the job's capacity.",
        {
            "sql": "SELECT COUNT(*) AS total FROM trades",
            "tree": "extended",
            "source_key": "symbol",
            "strategy": "auto",
        },
        ("workers",),
        "Add workers: fan_in's busiest worker keeps all records, so the job's throughput does not grow.",
    ),
    TourStep(
        "Your own query",
        "Paste a query of yours: the analysis says which strategy it needs and why, and the replay shows "
        "every strategy's load on a small synthetic topic keyed by the source key you give.",
        {"sql": _GROUP_BY, "source_key": "symbol", "strategy": "auto", "distribution": "zipf:1.1"},
        ("workers", "keys", "skew"),
    ),
)

STRATEGY_NOTES: dict[str, str] = {
    "always_hash": "Hashes the routing keys (usually the GROUP BY columns) and takes the result modulo W. "
    "Equal keys always meet on one worker, so aggregates are correct; nearly every record crosses workers.",
    "smart_repartition": "When the source topic is already partitioned by the grouping keys it keeps each "
    "record on worker `source_partition % W` (a natural hit, no shuffle); otherwise it hashes like "
    "always_hash (a repartition hit).",
    "round_robin": "One counter for the whole job: record i goes to worker i % W. Perfectly even, but equal "
    "keys scatter, so it refuses any GROUP BY.",
    "sticky_partition": "Every record stays with its source partition's worker (`source_partition % W`). "
    "No shuffle and per-partition order kept; groups are only co-located if the topic is keyed by them.",
    "fan_in": "Every record goes to one target worker. The only way to see the whole stream in one place "
    "(global aggregates, global ORDER BY … LIMIT), at the cost of one worker doing all the work.",
}
