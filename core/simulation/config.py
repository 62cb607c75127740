"""``SimulationConfig``: every simulation default in one frozen, validated object."""

from __future__ import annotations

from dataclasses import dataclass

from core.budget import cap_processes
from core.engines import get_engine
from core.errors import InvalidConfigError
from core.hashing import HASH_FUNCTIONS
from core.limits import MAX_PARTITIONS, MAX_RATE, MAX_RECORDS, MAX_SEED, MAX_WORKERS
from core.workload.distributions import parse_distribution
from core.workload.schema import MAX_KEYS

__all__ = ["SimulationConfig", "PRODUCERS", "MAX_WORKERS", "MAX_PARTITIONS"]

PRODUCERS = ("murmur2", "crc32", "sticky", "round_robin")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_int(name: str, value: object, low: int, high: int | None = None, fix: str = "") -> None:
    bad = not _is_int(value) or value < low or (high is not None and value > high)  # type: ignore[operator]
    if bad:
        bound = f"{low}..{high}" if high is not None else f">= {low}"
        raise InvalidConfigError(f"{name} must be an integer {bound}, got {value!r}{fix}")


def _check_positive(name: str, value: object, allow_zero: bool = False) -> None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value == value
    if not ok or value < 0 or (value == 0 and not allow_zero) or value == float("inf"):  # type: ignore[operator]
        sign = ">= 0" if allow_zero else "> 0"
        raise InvalidConfigError(f"{name} must be a finite number {sign}, got {value!r}")


@dataclass(frozen=True)
class SimulationConfig:
    """How big the simulated job is, what the source looks like and what records cost.

    ``workers`` is W (Velostream's ``num_partitions``); ``partitions`` is the source topic's P.
    ``producer`` None means murmur2 when a source key is declared, else a null-key sticky producer.
    ``processes`` None runs ``min(W, cpu count)`` worker processes; 0 runs the same worker code inline.
    ``rate`` None assumes input arrives at the workers' ideal capacity ``W · 1e6 / cost_us``.
    """

    records: int = 200_000
    partitions: int = 8
    workers: int = 4
    keys: int = 1000
    distribution: str = "uniform"
    producer: str | None = None
    processes: int | None = None
    seed: int = 0
    batch_size: int = 65_536  # records per chunk: fewer, larger numpy calls (per-chunk overhead dominated)
    rate: float | None = None
    cost_us: float = 5.0
    hash_cost_us: float = 0.2
    shuffle_cost_us: float = 1.0
    buckets: int = 60
    worker_deadline_s: float = 60.0
    hash_function: str = "mmh3"
    fan_in_target: int = 0
    # The engine whose key → worker function always_hash / smart_repartition use (core.engines);
    # max_parallelism is Flink's key-group count (None: SET 'pipeline.max-parallelism', else Flink's rule).
    # None: the engine of the statement's dialect (simulate fills it in).
    engine: str | None = None
    max_parallelism: int | None = None
    # Stage replay of a join: share of each synthetic side's records whose key comes from the
    # join-key domain the sides share (the rest get keys no other source has).
    match_rate: float = 1.0

    def __post_init__(self) -> None:
        _check_int("records", self.records, 1, MAX_RECORDS, fix="; simulate at least one record")
        _check_int("partitions", self.partitions, 1, MAX_PARTITIONS)
        _check_int("workers", self.workers, 1, MAX_WORKERS)
        _check_int("keys", self.keys, 1, fix="; a key column needs at least one distinct key")
        if self.keys > MAX_KEYS:
            raise InvalidConfigError(f"keys: the key count per key column must be at most {MAX_KEYS:,}, "
                                     f"got {self.keys:,}; lower --keys")
        try:
            object.__setattr__(self, "distribution", str(parse_distribution(self.distribution)))
        except InvalidConfigError as exc:
            raise InvalidConfigError(f"distribution: {exc}") from exc
        if self.producer is not None:
            producer = str(self.producer).strip().lower().replace("-", "_")
            if producer not in PRODUCERS:
                raise InvalidConfigError(
                    f"unknown producer {self.producer!r}; valid: {', '.join(PRODUCERS)}"
                )
            object.__setattr__(self, "producer", producer)
        if self.processes is not None:
            _check_int("processes", self.processes, 0, MAX_WORKERS, fix=" (0 runs inline)")
        _check_int("seed", self.seed, 0, MAX_SEED)
        _check_int("batch_size", self.batch_size, 1, 10_000_000)
        if self.rate is not None:
            _check_positive("rate", self.rate)
            if self.rate > MAX_RATE:
                raise InvalidConfigError(f"rate must be at most {MAX_RATE:g} records/s, got {self.rate!r}")
        _check_positive("cost_us", self.cost_us)
        _check_positive("hash_cost_us", self.hash_cost_us, allow_zero=True)
        _check_positive("shuffle_cost_us", self.shuffle_cost_us, allow_zero=True)
        _check_int("buckets", self.buckets, 1, 10_000)
        _check_positive("worker_deadline_s", self.worker_deadline_s)
        if self.hash_function not in HASH_FUNCTIONS:
            raise InvalidConfigError(f"unknown hash_function {self.hash_function!r}; "
                                     f"valid: {', '.join(HASH_FUNCTIONS)}")
        _check_int("fan_in_target", self.fan_in_target, 0, self.workers - 1,
                   fix=f" (a worker index below workers={self.workers})")
        if self.engine is not None:
            object.__setattr__(self, "engine", get_engine(self.engine).name)
        ok = isinstance(self.match_rate, int | float) and not isinstance(self.match_rate, bool)
        if not ok or not 0.0 <= self.match_rate <= 1.0:  # type: ignore[operator]
            raise InvalidConfigError(f"match_rate must be a number in 0..1 (the share of join records "
                                     f"that find a partner), got {self.match_rate!r}")
        if self.max_parallelism is not None:
            _check_int("max_parallelism", self.max_parallelism, 1, 32768, fix=" (Flink's bound)")

    @property
    def process_count(self) -> int:
        """Worker processes to start: 0 = inline; never more than workers or CPUs."""
        return cap_processes(self.processes, self.workers)[0]

    @property
    def process_note(self) -> str | None:
        """Why fewer processes start than were asked for (more than the CPUs), or None."""
        return cap_processes(self.processes, self.workers)[1]

    @property
    def input_rate(self) -> float:
        """Records/s arriving at the stage (the ideal capacity of W workers when unset)."""
        return float(self.rate) if self.rate is not None else self.workers * 1e6 / self.cost_us
