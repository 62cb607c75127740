"""``partition-lab simulate``: run the simulation from the command line (text table or JSON)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from core.cli.options import add_analysis_arguments, float_option, int_option
from core.cli.sql_input import read_sql
from core.errors import InvalidConfigError
from core.limits import MAX_KEYS_OPTION, MAX_PARTITIONS, MAX_RATE, MAX_RECORDS, MAX_SEED, MAX_WORKERS
from core.progress import TerminalProgress
from core.simulation.config import PRODUCERS, SimulationConfig
from core.simulation.result import SimulationResult
from core.simulation.whatif import cli as whatif_cli

__all__ = ["add_parser", "run", "format_table"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``simulate`` (with the shared analysis options) on the CLI's subparsers."""

    p = subparsers.add_parser(
        "simulate", help="replay a workload through the strategies and compare skew, throughput, correctness",
        description="Replay a synthetic topic (or a trace) through each partitioning strategy on real "
                    "worker processes; report skew, throughput and whether each emits the correct result.")
    add_analysis_arguments(p)
    p.add_argument("--records", default=200_000, metavar="N", help="records to generate (200000)")
    p.add_argument("--partitions", default=None, metavar="P",
                   help="source partitions (default: --source-partitions, else 8)")
    p.add_argument("--workers", default=4, metavar="W", help="parallel workers W (4)")
    p.add_argument("--keys", default=1000, metavar="K", help="distinct keys per key column (1000)")
    p.add_argument("--distribution", default="uniform", metavar="D", help="uniform | zipf:S | hot:F")
    p.add_argument("--producer", default=None, choices=PRODUCERS,
                   help="source partitioner (default murmur2 with a source key, else sticky)")
    p.add_argument("--trace", default=None, action="append", metavar="[SOURCE=]FILE",
                   help="replay a .csv/.parquet trace instead; repeat SOURCE=FILE for each source of a join "
                        "(the stage replay reads each; a plain FILE is the first source)")
    p.add_argument("--match-rate", default=1.0, metavar="F",
                   help="stage replay of a join: share of each synthetic side's records whose key the "
                        "other side also has (1.0)")
    p.add_argument("--strategies", default="all", metavar="all|a,b", help="strategies to compare (all)")
    p.add_argument("--processes", default=None, metavar="N",
                   help="worker processes (default min(W, cpus); 0 = inline)")
    p.add_argument("--seed", default=0, metavar="S")
    p.add_argument("--rate", default=None, metavar="R",
                   help="input records/s (default: the ideal capacity of W workers)")
    p.add_argument("--cost-us", default=5.0, metavar="X", help="µs of work per record (5.0)")
    p.add_argument("--hash-cost-us", default=0.2, metavar="X", help="µs to hash a record (0.2)")
    p.add_argument("--shuffle-cost-us", default=1.0, metavar="X",
                   help="µs to move a record to another worker (1.0)")
    p.add_argument("--statement", default=-1, metavar="I", help="statement index (default: last)")
    p.add_argument("--batch-size", default=10_000, metavar="N", help="records per batch (10000)")
    p.add_argument("--worker-deadline", default=60.0, metavar="S",
                   help="seconds a worker may take to answer before the run fails (60)")
    if "--engine" not in p._option_string_actions:  # the analysis options may bring it already
        p.add_argument("--engine", default=None, metavar="E",
                       help="whose plan rules and hash: velostream, flink, spark, kafka-streams or "
                            "partition-lab (default: the dialect's engine)")
    p.add_argument("--max-parallelism", type=int, default=None, metavar="M",
                   help="Flink's max parallelism (default: SET 'pipeline.max-parallelism', "
                        "else Flink's rule)")
    p.add_argument("--progress", choices=("auto", "always", "never"), default="auto",
                   help="progress bar on stderr: auto = when stderr is a terminal (auto)")
    whatif_cli.add_arguments(p)
    from core.flink.simulate_hook import add_measure_arguments

    add_measure_arguments(p)
    p.set_defaults(run=run)
    return p


def _bounded(args: argparse.Namespace) -> argparse.Namespace:
    """The numeric options checked against their ranges (core.limits) before anything runs."""

    def opt(name: str) -> object:
        return getattr(args, name.replace("-", "_"))

    def whole(name: str, low: int, high: int) -> int | None:
        raw = opt(name)
        return None if raw is None else int_option(f"--{name}", raw, low, high)

    def real(name: str, high: float, allow_zero: bool) -> float | None:
        raw = opt(name)
        return None if raw is None else float_option(f"--{name}", raw, 0.0, high, allow_low=allow_zero)

    return argparse.Namespace(**{**vars(args),
        "records": whole("records", 1, MAX_RECORDS), "partitions": whole("partitions", 1, MAX_PARTITIONS),
        "source_partitions": whole("source-partitions", 1, MAX_PARTITIONS),
        "workers": whole("workers", 1, MAX_WORKERS), "keys": whole("keys", 1, MAX_KEYS_OPTION),
        "processes": whole("processes", 0, MAX_WORKERS), "seed": whole("seed", 0, MAX_SEED),
        "statement": _statement_index(opt("statement")), "batch_size": whole("batch-size", 1, 10_000_000),
        "rate": real("rate", MAX_RATE, False), "cost_us": real("cost-us", 1e9, False),
        "hash_cost_us": real("hash-cost-us", 1e9, True),
        "shuffle_cost_us": real("shuffle-cost-us", 1e9, True),
        "worker_deadline": real("worker-deadline", 86_400.0, False),
        "match_rate": real("match-rate", 1.0, True)})


def _statement_index(raw: object) -> int:

    text = str(raw).strip()
    if text.startswith("-"):
        return -int_option("--statement", text[1:], 1, 1_000_000)
    return int_option("--statement", text, 0, 1_000_000)


def _config(args: argparse.Namespace) -> SimulationConfig:
    partitions = args.partitions
    if partitions is not None and args.source_partitions is not None and partitions != args.source_partitions:
        raise InvalidConfigError(f"--partitions {partitions} and --source-partitions "
                                 f"{args.source_partitions} disagree; give one of them")
    partitions = partitions if partitions is not None else args.source_partitions or 8
    return SimulationConfig(
        records=args.records, partitions=partitions, workers=args.workers, keys=args.keys,
        distribution=args.distribution, producer=args.producer, processes=args.processes, seed=args.seed,
        batch_size=args.batch_size, rate=args.rate, cost_us=args.cost_us, hash_cost_us=args.hash_cost_us,
        shuffle_cost_us=args.shuffle_cost_us, worker_deadline_s=args.worker_deadline,
        engine=getattr(args, "engine", None), max_parallelism=args.max_parallelism,
        match_rate=1.0 if args.match_rate is None else args.match_rate)


def _traces(raw: list[str] | None) -> tuple[str | None, dict[str, str]]:
    """``--trace FILE`` (first source) and ``--trace SOURCE=FILE`` (each source) as (file, {source: file})."""
    plain: str | None = None
    named: dict[str, str] = {}
    for item in raw or []:
        source, eq, path = item.partition("=")
        if eq and source.strip() and path.strip() and "/" not in source and "\\" not in source:
            if source.strip().lower() in {k.lower() for k in named}:
                raise InvalidConfigError(f"--trace {item}: source {source.strip()!r} has a trace already")
            named[source.strip()] = path.strip()
        elif plain is not None:
            raise InvalidConfigError(f"--trace {item}: a second plain trace; name each source's trace "
                                     "as SOURCE=FILE")
        else:
            plain = item
    return plain, named


def run(args: argparse.Namespace) -> int:
    """Run ``simulate`` for parsed arguments; errors propagate to the CLI's handler (exit 2)."""
    from core.flink.simulate_hook import check_measure, format_measured, measure_for
    from core.simulation.api import simulate

    args = _bounded(args)
    trace, traces = _traces(args.trace)
    args = argparse.Namespace(**{**vars(args), "trace": trace})  # the other consumers read one plain trace
    check_measure(args)
    config = _config(args)
    whatif_cli.check(args)
    if config.process_note:
        sys.stderr.write(f"note: {config.process_note}\n")
    sql = read_sql(args.file)
    result = simulate(
        sql, dialect=args.dialect, tree=args.tree, source_keys=tuple(args.source_key),
        source_partitions=args.partitions or args.source_partitions, strategies=args.strategies,
        config=config, trace=trace, traces=traces, statement=args.statement, strategy=args.strategy,
        auto_select=getattr(args, "auto_select", True), progress=_progress(args, config.records))
    whatifs = whatif_cli.run(args, config, sql)
    measured = measure_for(args, sql)
    if args.json:
        data = {**result.to_dict(), **whatifs.fields, **({"measured": measured} if measured else {})}
        if config.process_note:  # an extra key: the documented ones stay as they are
            data["notes"] = [config.process_note]
        print(json.dumps(data, ensure_ascii=False))
    else:
        sys.stdout.write(format_table(result) + whatifs.text
                         + (format_measured(measured) if measured else ""))
    return 0


def _progress(args: argparse.Namespace, records: int) -> TerminalProgress | None:
    mode = getattr(args, "progress", "auto")
    if mode == "never" or (mode == "auto" and not sys.stderr.isatty()):
        return None
    return TerminalProgress(sys.stderr, records)


def _hosted(processes: int) -> str:
    if not processes:
        return "inline (one process)"
    return f"on {processes} worker process{'es' if processes > 1 else ''}"


def _num(value: float | None, digits: int = 3) -> str:
    return "-" if value is None or value == float("inf") else f"{value:.{digits}f}"


def format_table(result: SimulationResult) -> str:
    """The text report: one header, one row per strategy, then each strategy's verdict and loads."""
    r = result
    keys = ", ".join(r.state_keys) or "(none)"
    src = f"trace, {r.partitions} partitions" if r.source == "trace" else (
        f"synthetic topic, {r.partitions} partitions, {r.keys or 0:,} keys {r.distribution}, "
        f"producer {r.producer}")
    lines = [
        f"statement {r.statement}: {r.operator} operator keyed by {keys}",
        f"{r.records:,} records from a {src}; {r.workers} workers {_hosted(r.processes)}; {r.wall_s:.2f} s",
        f"engine: {r.engine} (always_hash and smart_repartition route with its hash)",
        f"recommended: {r.recommended}    best measured: {r.best_measured or '(none correct)'}",
    ]
    if r.recommendation_note:
        lines.append(f"note: {r.recommendation_note}")
    lines += [f"warning: {w}" for w in r.warnings]
    head = (f"{'strategy':<18}{'max/mean':>9}{'cv':>8}{'gini':>8}{'jain':>8}{'flink%':>8}{'shuffle':>9}"
            f"{'groups':>9}{'frag':>9}{'correct':>9}{'model rec/s':>13}{'meas rec/s':>13}")
    lines += ["", head, "-" * len(head)]
    for m in r.strategies.values():
        lines.append(
            f"{m.strategy:<18}{_num(m.max_mean):>9}{_num(m.cv):>8}{_num(m.gini):>8}{_num(m.jain):>8}"
            f"{_num(m.flink_skew_pct, 1):>8}{_num(m.shuffle_fraction):>9}{m.groups:>9,}"
            f"{m.fragmented_groups:>9,}{'yes' if m.correct else 'NO':>9}"
            f"{m.modeled_throughput:>13,.0f}{m.measured_records_per_s:>13,.0f}")
    lines.append("")
    for m in r.strategies.values():
        lines.append(f"{m.strategy}: {m.verdict}")
        lines.append(f"  loads {list(m.loads)}"
                     + (f"; alignment {m.alignment_pct:.1f} %" if m.alignment_pct is not None else ""))
        lines += [f"  warning: {w}" for w in m.warnings]
    lines += format_stages(r)
    return "\n".join(lines) + "\n"


def format_stages(result: SimulationResult) -> list[str]:
    """The plan replayed exchange by exchange: one short row per stage."""
    if not result.stages:
        return []
    head = f"{'stage':<7}{'kind':<11}{'operator':<11}{'keys':<24}{'records in':>13}{'max/mean':>10}  loads"
    lines = ["", f"stages (the plan replayed under {result.engine}, in the coordinator process: the same "
             "inline and with --processes):", head, "-" * len(head)]
    for s in result.stages:
        keys = ", ".join(s.keys) or "-"
        lines.append(f"{s.from_:>2} → {s.to:<2} {s.kind:<11}{s.operator:<11}{keys[:23]:<24}"
                     f"{s.records_in:>13,}"
                     f"{_num(s.max_mean, 2):>10}  {list(s.loads)}")
        if s.note:
            lines.append(f"        note: {s.note}")
    return lines
