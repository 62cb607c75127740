"""The opt-in what-if options of ``partition-lab simulate`` and their JSON fields and text sections.

``cli_simulate`` calls :func:`add_arguments` on its parser, :func:`check` before the simulation (bad
what-if options fail before any work) and :func:`run` after it; the JSON gains the top-level fields
``sweep``, ``rescale``, ``two_phase``, ``salting`` and ``pkg``, only for the options given.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any

from core.errors import InvalidConfigError
from core.simulation.config import SimulationConfig
from core.simulation.throughput import worker_capacity
from core.simulation.whatif.keys import count_keys
from core.simulation.whatif.pkg import DEFAULT_CHUNK, partial_key_grouping
from core.simulation.whatif.placement import KeyGroups, ModHash, Placement, check_workers
from core.simulation.whatif.rescale import rescale
from core.simulation.whatif.salting import salting
from core.simulation.whatif.source import keyed_source
from core.simulation.whatif.sweep import check_sweep, parse_workers, sweep
from core.simulation.whatif.two_phase import DEFAULT_MINI_BATCH, two_phase

__all__ = ["add_arguments", "check", "run", "WhatIfs"]


@dataclass(frozen=True)
class WhatIfs:
    fields: dict[str, Any]
    text: str


def add_arguments(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("what-ifs (each adds a JSON field and a text section)")
    g.add_argument("--sweep", default=None, metavar="A:B[:S]|W,W",
                   help="sweep the worker count (e.g. 1:16): loads, skew, modeled throughput per W")
    g.add_argument("--target-rate", type=float, default=None, metavar="R",
                   help="with --sweep: the smallest swept W whose modeled throughput reaches R records/s")
    g.add_argument("--rescale", type=int, default=None, metavar="W2",
                   help="share of keys and state that move going from --workers to W2 workers")
    g.add_argument("--two-phase", action="store_true",
                   help="local pre-aggregation per worker and mini-batch, then the global stage")
    g.add_argument("--mini-batch", type=int, default=DEFAULT_MINI_BATCH, metavar="N",
                   help=f"with --two-phase: records per worker per mini-batch ({DEFAULT_MINI_BATCH})")
    g.add_argument("--salt", type=int, default=None, metavar="N",
                   help="salt the keys holding more than 1/W of the records over N sub-keys")
    g.add_argument("--pkg", type=int, nargs="?", const=2, default=None, metavar="D",
                   help="partial key grouping with D choices per key (default 2)")


def _wanted(args: argparse.Namespace) -> bool:
    names = ("sweep", "rescale", "two_phase", "salt", "pkg")
    return any(getattr(args, n, None) not in (None, False) for n in names)


def check(args: argparse.Namespace) -> None:
    """Validate the what-if options before any work (same errors the library raises)."""
    if args.sweep is not None:
        check_sweep(parse_workers(args.sweep))
    elif args.target_rate is not None:
        raise InvalidConfigError("--target-rate needs --sweep (e.g. --sweep 1:32 --target-rate 1000000)")
    if args.target_rate is not None and not (0 < args.target_rate < float("inf")):
        raise InvalidConfigError(f"--target-rate must be a finite number > 0, got {args.target_rate!r}")
    if args.rescale is not None:
        check_workers(args.rescale, "--rescale")
    if args.mini_batch < 1:
        raise InvalidConfigError(f"--mini-batch must be >= 1 records, got {args.mini_batch}")
    if args.salt is not None and args.salt < 2:
        raise InvalidConfigError(f"--salt must be at least 2 sub-keys, got {args.salt}")
    if args.pkg is not None and args.pkg < 1:
        raise InvalidConfigError(f"--pkg needs at least 1 choice, got {args.pkg}")


def _placement(args: argparse.Namespace) -> Placement:
    # Flink places keys by key groups; every other engine hashes mod W (until core/engines lands,
    # the key hash itself is Partition Lab's mmh3 for all of them).
    engine = getattr(args, "engine", None) or ("flink" if str(args.dialect).lower() == "flink" else None)
    if engine == "flink":
        return KeyGroups(getattr(args, "max_parallelism", None))
    return ModHash()


def run(args: argparse.Namespace, config: SimulationConfig, sql: str) -> WhatIfs:
    """Run the what-ifs asked for on the simulated statement's source; empty when none was."""
    if not _wanted(args):
        return WhatIfs({}, "")
    src = keyed_source(sql, config, dialect=args.dialect, tree=args.tree, source_keys=tuple(args.source_key),
                       trace=args.trace, trace_partitions=args.partitions or args.source_partitions,
                       statement=args.statement, strategy=args.strategy,
                       auto_select=getattr(args, "auto_select", True))
    place = _placement(args)
    fields: dict[str, Any] = {}
    lines: list[str] = []
    counts = count_keys(src.batches(), src.key_columns) if args.sweep or args.rescale or args.salt else None
    if args.sweep is not None and counts is not None:
        capacity = worker_capacity(config.cost_us, config.hash_cost_us, config.shuffle_cost_us, 1.0, 1.0)
        r = sweep(counts, parse_workers(args.sweep), capacity=capacity, placement=place,
                  target_rate=args.target_rate)
        fields["sweep"] = r.to_dict()
        lines += ["sweep: " + r.note] + [f"  W={p.workers:<5} max/mean {p.stage.max_mean:7.3f}   modeled "
                                        f"{p.modeled_throughput:>13,.0f} records/s" for p in r.points]
    if args.rescale is not None and counts is not None:
        placements = (ModHash(), place) if isinstance(place, KeyGroups) else (ModHash(), KeyGroups())
        rr = rescale(counts, config.workers, args.rescale, placements=placements)
        fields["rescale"] = rr.to_dict()
        lines.append("rescale: " + rr.sentence())
        lines += [f"  warning: {w}" for f in rr.families for w in f.warnings]
    if args.two_phase:
        t = two_phase(src.batches(), src.key_columns, config.workers, mini_batch=args.mini_batch,
                      placement=place)
        fields["two_phase"] = t.to_dict()
        lines += ["two-phase: " + t.sentence(), f"  local loads {list(t.local.loads)}",
                  f"  global loads {list(t.global_stage.loads)} (single phase {list(t.single_phase.loads)})"]
    if args.salt is not None and counts is not None:
        s = salting(counts, config.workers, args.salt, placement=place)
        fields["salting"] = s.to_dict()
        lines += ["salting: " + s.sentence(), f"  salted loads {list(s.salted.loads)}",
                  f"  merge loads {list(s.merge.loads)}"]
    if args.pkg is not None:
        k = partial_key_grouping(src.batches(), src.key_columns, config.workers, d=args.pkg,
                                 chunk=DEFAULT_CHUNK, placement=place)
        fields["pkg"] = k.to_dict()
        lines += ["pkg: " + k.sentence(), f"  loads {list(k.pkg.loads)} (hashed {list(k.hashed.loads)})"]
    return WhatIfs(fields, "\nwhat-ifs\n" + "\n".join(lines) + "\n")
