"""``partition-lab``: analyze | simulate | bench | dashboard.

Every subcommand module exposes ``add_parser(subparsers)`` and ``run(args) -> int``; ``simulate``
and ``bench`` live with their own packages and are imported only when present, so this file never
breaks when one of them is missing. Any :class:`~core.errors.PartitionLabError` or usage error ends
with exit status 2 and ``error: ...`` on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn

from core.errors import PartitionLabError, SqlSyntaxError

__all__ = [
    "main",
    "build_parser",
    "add_analysis_arguments",
    "analysis_options",
    "read_sql",
    "InputError",
    "EXIT_ERROR",
]

EXIT_ERROR = 2
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8501

# Subcommands owned by other modules: (name, candidate modules). The first candidate that exists
# registers the command; when none does, the command is simply not offered.
_PLUGIN_COMMANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("simulate", ("core.simulation.cli_simulate",)),
    ("bench", ("core.bench.cli_bench", "core.simulation.cli_bench", "core.cli_bench",
               "core.strategies.cli_bench")),
    ("verify", ("core.flink.verify_cli",)),
)


class InputError(Exception):
    """The SQL input cannot be read (missing file, not UTF-8)."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors read ``error: ...`` and exit 2 (the CLI contract)."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"error: {message}\n(see {self.prog} --help)\n")
        raise SystemExit(EXIT_ERROR)


def read_sql(path: str) -> str:
    """The SQL text of ``path`` (``-`` reads stdin); :class:`InputError` says why it cannot be read."""
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError(f"cannot read {path}: {reason}") from exc


def add_analysis_arguments(parser: argparse.ArgumentParser) -> None:
    """The options shared by ``analyze`` and ``simulate`` (FILE plus how to analyze it)."""
    parser.add_argument("file", metavar="FILE", help="SQL file to analyze, or - for stdin")
    parser.add_argument("--dialect", default="velostream",
                        help="velostream (default), ksqldb, flink, spark, risingwave or a sqlglot dialect")
    parser.add_argument("--tree", default="extended",
                        help="decision tree: extended (default, correctness first), seed (the design's own), "
                             "velostream, or a .toml/.json file")
    parser.add_argument("--source-key", action="append", default=[], metavar="[SOURCE=]COL[,COL]",
                        help="columns a source topic is keyed by (repeatable)")
    parser.add_argument("--source-partitions", type=int, default=None, metavar="N",
                        help="partition count of the source topics")
    parser.add_argument("--strategy", default=None, metavar="NAME",
                        help="force a strategy (any name or alias) instead of the tree's pick")
    parser.add_argument("--no-auto-select", dest="auto_select", action="store_false",
                        help="never let the tree choose; a strategy must be named somewhere")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a text report")


def analysis_options(args: argparse.Namespace) -> dict[str, Any]:
    """Keyword arguments for :func:`core.analysis.analyze` from parsed analysis options."""
    return {
        "dialect": args.dialect,
        "tree": args.tree,
        "source_keys": tuple(args.source_key),
        "source_partitions": args.source_partitions,
        "strategy": args.strategy,
        "auto_select": args.auto_select,
    }


def _run_analyze(args: argparse.Namespace) -> int:
    from core.analysis.api import analyze, format_report

    result = analyze(read_sql(args.file), **analysis_options(args))
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(format_report(result))
    return 0


def _run_dashboard(args: argparse.Namespace) -> int:
    try:
        launch = importlib.import_module("dashboard.launch")
    except ModuleNotFoundError as exc:
        raise InputError(f"the dashboard is not installed ({exc.name} missing); pip install -e .") from exc
    launch.serve(args.host, args.port)
    return 0


def _plugin(module_name: str) -> ModuleType | None:
    """The subcommand module, or None when it is not part of this install (yet)."""
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            return None
        raise


def _add_plugin(sub: Any, name: str, candidates: Sequence[str]) -> None:
    for module_name in candidates:
        try:
            module = _plugin(module_name)
        except ImportError as exc:
            # A broken plugin must not take `analyze` down with it: its command reports the problem.
            broken = sub.add_parser(name, help=f"(unavailable: {exc})")
            broken.set_defaults(run=_unavailable(name, exc))
            return
        if module is None or not hasattr(module, "add_parser"):
            continue
        module.add_parser(sub)
        parser = sub.choices.get(name)
        if parser is not None and parser.get_default("run") is None and hasattr(module, "run"):
            parser.set_defaults(run=module.run)  # the contract is add_parser + run(args)
        return


def _unavailable(name: str, exc: Exception) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        raise InputError(f"{name} is unavailable in this install: {exc}")

    return run


def build_parser() -> argparse.ArgumentParser:
    """The full command line; each subparser stores its handler as ``args.run``."""
    parser = _Parser(prog="partition-lab",
                     description="Pick and compare partitioning strategies for streaming SQL.")
    parser.set_defaults(run=_run_dashboard, host=DEFAULT_HOST, port=DEFAULT_PORT, json=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    analyze = sub.add_parser("analyze", help="pick a partitioning strategy for each statement",
                             description="Pick a partitioning strategy for each statement of a SQL file.")
    add_analysis_arguments(analyze)
    analyze.set_defaults(run=_run_analyze)
    for name, candidates in _PLUGIN_COMMANDS:
        _add_plugin(sub, name, candidates)
    dashboard = sub.add_parser("dashboard", help="serve the Streamlit dashboard (the default)")
    dashboard.add_argument("--host", default=DEFAULT_HOST)
    dashboard.add_argument("--port", type=int, default=DEFAULT_PORT)
    dashboard.set_defaults(run=_run_dashboard)
    return parser


def _report_error(message: str, args: argparse.Namespace | None, exc: Exception | None = None) -> int:
    sys.stderr.write(f"error: {message}\n")
    if args is not None and getattr(args, "json", False):
        detail: dict[str, object] = {"message": message, "line": None, "col": None}
        if isinstance(exc, SqlSyntaxError):
            detail = exc.to_dict()
        print(json.dumps({"error": detail}, ensure_ascii=False))
    return EXIT_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``partition-lab`` console script; returns the exit status."""
    args: argparse.Namespace | None = None
    try:
        args = build_parser().parse_args(argv)
        run: Callable[[argparse.Namespace], int] = args.run
        return int(run(args) or 0)
    except SystemExit as exc:  # argparse: --help exits 0, usage errors already printed
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    except InputError as exc:
        return _report_error(str(exc), args)
    except PartitionLabError as exc:
        return _report_error(str(exc), args, exc)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: stop quietly, and keep Python's exit flush quiet too.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0


if __name__ == "__main__":
    # Under `python -m core.cli` this file runs as __main__, a second copy of the module: use the
    # importable one so the error classes other modules raise are the ones main() catches.
    from core.cli import main as _main

    sys.exit(_main())
