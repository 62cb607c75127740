"""The benchmark: routing, end-to-end simulation, the plain-simulator comparison and peak memory.

Every section measures on this machine, now; the figures go into one JSON-able dict together with
the targets and whether each was met. Sections:

* ``routing``: each strategy's vectorized routing vs the per-record reference (on a sample) and
  vs the memory floor, a bare ``table[codes]`` gather over the same records
  (:func:`core.bench.routing.bench_routing`);
* ``end_to_end``: a full ``simulate`` of the five strategies, inline and with N processes;
* ``plain``: the plain per-record simulator (:mod:`core.testing.plain_simulator`) on a sample,
  compared per record with the inline ``simulate`` of the same query and topic;
* ``memory``: peak RSS of a long chunked replay run through the CLI in a child process;
* ``analysis``: ``analyze`` on a 60-line statement after import (:mod:`core.bench.analysis_time`);
* ``stages``: a two-stage join + aggregate replay per record vs a one-stage one (:mod:`core.bench.stages`).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from core.bench.analysis_time import analysis_section
from core.bench.memory import measure_command
from core.errors import InvalidConfigError
from core.simulation.config import MAX_WORKERS, SimulationConfig
from core.testing.lean_simulator import lean_simulate
from core.testing.plain_simulator import plain_simulate

__all__ = ["BenchOptions", "BENCH_SQL", "run_bench", "TARGETS"]

BENCH_SQL = (
    "SELECT merchant_id, COUNT(*) AS payments, SUM(amount) AS total, AVG(amount) AS average,\n"
    "       MIN(amount) AS smallest, MAX(amount) AS largest\n"
    "FROM payments\n"
    "GROUP BY merchant_id\n"
)

# (strategy, max time vs the memory floor): keyless routes are a gather; hashing adds a vocab pass.
_ROUTING_LIMITS = {"sticky_partition": 5.0, "round_robin": 5.0, "fan_in": 5.0,
                   "always_hash": 10.0, "smart_repartition": 10.0}
TARGETS = {
    "routing": "routing time within 5x of the memory floor (sticky, round robin, fan-in), "
               "10x (always_hash, smart_repartition)",
    "plain": "full simulate >= 30x the plain per-record simulator, per record",
    "lean": "single-stage replay >= 10x the lean per-record simulator (loads and placements only), "
            "per record",
    "parallel": "N processes >= 0.8*N x inline (2 processes >= 1.6x)",
    "memory": "peak RSS of the chunked replay < 1.5 GB (all processes)",
    "stages": "two-stage join + aggregate replay <= 3x the one-stage cost per record",
}
_PLAIN_MIN_SPEEDUP = 30.0
_LEAN_MIN_SPEEDUP = 10.0
_PARALLEL_EFFICIENCY = 0.8
_MEMORY_LIMIT_MB = 1536.0

Log = Callable[[str], None]


@dataclass(frozen=True)
class BenchOptions:
    """Sizes of each section; ``memory_records`` 0 skips the memory replay."""

    records: int = 4_000_000
    workers: int = 4
    processes: int = 2
    keys: int = 10_000
    partitions: int = 8
    plain_records: int = 200_000
    reference_sample: int = 20_000
    memory_records: int = 20_000_000
    seed: int = 0

    def __post_init__(self) -> None:
        checks = (("records", self.records, 1), ("workers", self.workers, 1),
                  ("processes", self.processes, 1), ("keys", self.keys, 1),
                  ("partitions", self.partitions, 1),
                  ("plain_records", self.plain_records, 1), ("reference_sample", self.reference_sample, 1),
                  ("memory_records", self.memory_records, 0))
        for name, value, low in checks:
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise InvalidConfigError(f"bench {name} must be an integer >= {low}, got {value!r}")
        if self.workers > MAX_WORKERS:
            raise InvalidConfigError(f"bench workers must be at most {MAX_WORKERS}, got {self.workers}")
        if self.processes > self.workers:
            raise InvalidConfigError(f"bench processes ({self.processes}) cannot exceed workers "
                                     f"({self.workers}): each process hosts at least one worker")


def _target(name: str, description: str, value: float | None, limit: float,
            higher_is_better: bool) -> dict[str, Any]:
    """One target's verdict; ``value`` None (nothing measured) fails."""
    passed = value is not None and (value >= limit if higher_is_better else value <= limit)
    return {"name": name, "target": description, "value": value, "limit": limit, "passed": bool(passed)}


def routing_section(opts: BenchOptions) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    from core.bench.routing import bench_routing

    report = bench_routing(opts.records, opts.workers, opts.keys, reference_sample=opts.reference_sample)
    targets = []
    for name, row in report["strategies"].items():
        limit = _ROUTING_LIMITS[name]
        targets.append(_target(f"routing {name}", f"time <= {limit:g}x memory floor",
                               row["time_vs_memory_floor"], limit, higher_is_better=False))
    return report, targets


def _config(opts: BenchOptions, records: int, processes: int) -> SimulationConfig:
    # The plain simulator hashes with mmh3: the bench compares like with like (partition-lab's hash).
    return SimulationConfig(records=records, workers=opts.workers, keys=opts.keys,
                            partitions=opts.partitions, processes=processes, seed=opts.seed,
                            engine="partition-lab")


def _timed_simulate(opts: BenchOptions, processes: int) -> dict[str, Any]:
    from core.simulation.api import simulate

    started = time.perf_counter()
    result = simulate(BENCH_SQL, config=_config(opts, opts.records, processes))
    wall = time.perf_counter() - started
    return {"processes": processes, "records": result.records, "wall_s": wall,
            "records_per_s": result.records / wall,
            "correct": {n: m.correct for n, m in result.strategies.items()},
            "loads": {n: list(m.loads) for n, m in result.strategies.items()}}


def end_to_end_section(opts: BenchOptions) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    from core.simulation.api import simulate

    simulate(BENCH_SQL, config=_config(opts, 1000, 0))  # warm-up: imports and first analysis
    # The first multiprocess run also starts the fork server (once per Python process, ~1 s):
    # reported on its own so the speedup compares steady states.
    started = time.perf_counter()
    simulate(BENCH_SQL, config=_config(opts, 1000, opts.processes))
    first_start = time.perf_counter() - started
    inline = _timed_simulate(opts, 0)
    parallel = _timed_simulate(opts, opts.processes)
    speedup = parallel["records_per_s"] / inline["records_per_s"]
    section = {"inline": inline, "parallel": parallel, "speedup": speedup,
               "efficiency": speedup / opts.processes, "first_multiprocess_run_s": first_start}
    limit = _PARALLEL_EFFICIENCY * opts.processes
    target = _target(f"{opts.processes} processes vs inline", f"speedup >= {limit:g}x", speedup, limit, True)
    return section, [target]


Section = tuple[dict[str, Any], list[dict[str, Any]]]


def plain_section(opts: BenchOptions, end_to_end: dict[str, Any]) -> Section:
    sample = min(opts.plain_records, opts.records)
    plain = plain_simulate(BENCH_SQL, records=sample, workers=opts.workers, partitions=opts.partitions,
                           keys=opts.keys, seed=opts.seed)
    inline_rate = end_to_end["inline"]["records_per_s"]
    parallel_rate = end_to_end["parallel"]["records_per_s"]
    agree = {n: s.correct == end_to_end["inline"]["correct"].get(n) for n, s in plain.strategies.items()}
    section = {
        "plain_records": plain.records, "plain_seconds": plain.seconds,
        "plain_records_per_s": plain.records_per_s,
        "note": f"plain simulator run on the first {plain.records:,} records (per-record rate); "
                f"simulate on {opts.records:,}",
        "speedup_inline": inline_rate / plain.records_per_s,
        "speedup_parallel": parallel_rate / plain.records_per_s,
        "plain_correct": {n: s.correct for n, s in plain.strategies.items()},
        "verdicts_agree": agree,
    }
    target = _target("simulate vs plain simulator", f"inline simulate >= {_PLAIN_MIN_SPEEDUP:g}x per record",
                     section["speedup_inline"], _PLAIN_MIN_SPEEDUP, True)
    lean = lean_simulate(BENCH_SQL, records=sample, workers=opts.workers, partitions=opts.partitions,
                         keys=opts.keys, seed=opts.seed)
    section.update({
        "lean_records": lean.records, "lean_seconds": lean.seconds, "lean_records_per_s": lean.records_per_s,
        "lean_speedup_inline": inline_rate / lean.records_per_s,
        "lean_speedup_parallel": parallel_rate / lean.records_per_s,
        "lean_loads_agree": {n: list(loads) == end_to_end["inline"]["loads"].get(n)
                             for n, loads in lean.loads.items()} if sample == opts.records else None,
    })
    lean_target = _target("single-stage replay vs lean simulator",
                          f"inline simulate >= {_LEAN_MIN_SPEEDUP:g}x per record",
                          section["lean_speedup_inline"], _LEAN_MIN_SPEEDUP, True)
    return section, [target, lean_target]


def memory_section(opts: BenchOptions, records: int | None = None,
                   timeout: float | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    records = opts.memory_records if records is None else records
    with tempfile.TemporaryDirectory(prefix="partition-lab-bench-") as tmp:
        sql = Path(tmp) / "bench.sql"
        sql.write_text(BENCH_SQL, encoding="utf-8")
        argv = [sys.executable, "-m", "core.cli", "simulate", str(sql), "--records", str(records),
                "--workers", str(opts.workers), "--keys", str(opts.keys),
                "--partitions", str(opts.partitions), "--processes", str(opts.processes),
                "--seed", str(opts.seed), "--json",
                "--worker-deadline", "600"]
        report = measure_command(argv, timeout=timeout)
    ok = report.returncode == 0 and not report.timed_out
    section = {"records": records, "command": "partition-lab simulate (bench query) " + " ".join(argv[5:]),
               **report.to_dict(), "records_per_s": records / report.wall_s if ok else None}
    value = report.total_peak_mb if ok else None
    target = _target(f"{records:,}-record replay peak RSS", f"all processes < {_MEMORY_LIMIT_MB:g} MiB",
                     value, _MEMORY_LIMIT_MB, False)
    return section, [target]


def run_bench(opts: BenchOptions, log: Log | None = None) -> dict[str, Any]:
    """Every section in turn; ``log`` receives one line as each starts."""
    say = log or (lambda _line: None)
    report: dict[str, Any] = {
        "options": asdict(opts), "machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg(),
                                             "python": sys.version.split()[0]},
        "query": BENCH_SQL, "targets": [],
    }
    started = time.perf_counter()
    say("bench: analysis of a 60-line statement")
    report["analysis"], targets = analysis_section()
    report["targets"] += targets
    say(f"bench: routing {opts.records:,} records per strategy")
    report["routing"], targets = routing_section(opts)
    report["targets"] += targets
    say(f"bench: simulate {opts.records:,} records, inline and with {opts.processes} processes")
    report["end_to_end"], targets = end_to_end_section(opts)
    report["targets"] += targets
    say(f"bench: plain per-record simulator on {min(opts.plain_records, opts.records):,} records")
    report["plain"], targets = plain_section(opts, report["end_to_end"])
    report["targets"] = [*targets, *report["targets"]]
    stage_records = min(opts.records, 1_000_000)
    say(f"bench: two-stage join + aggregate vs one-stage replay, {stage_records:,} records per source")
    from core.bench.stages import stages_section

    report["stages"], targets = stages_section(stage_records, opts.workers, opts.keys, opts.partitions,
                                               opts.seed)
    report["targets"] += targets
    if opts.memory_records:
        say(f"bench: peak memory of a {opts.memory_records:,}-record replay (child process)")
        report["memory"], targets = memory_section(opts)
        report["targets"] += targets
    report["wall_s"] = time.perf_counter() - started
    report["passed"] = all(t["passed"] for t in report["targets"])
    return report
