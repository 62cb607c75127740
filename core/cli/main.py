"""``partition-lab``: analyze | simulate | route | bench | dashboard.

Every subcommand module exposes ``add_parser(subparsers)`` and ``run(args) -> int``; ``simulate``
and ``bench`` live with their own packages and are imported only when present, so this file never
breaks when one of them is missing. Any :class:`~core.errors.PartitionLabError` or usage error ends
with exit status 2 and ``error: ...`` on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import codecs
import importlib
import json
import math
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn

from core.errors import InvalidConfigError, PartitionLabError, SqlSyntaxError
from core.limits import MAX_PARTITIONS

__all__ = [
    "main",
    "build_parser",
    "add_analysis_arguments",
    "analysis_options",
    "read_sql",
    "decode_text",
    "int_option",
    "float_option",
    "InputError",
    "EXIT_ERROR",
]

EXIT_ERROR = 2
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8501

# Subcommands owned by other modules: (name, candidate modules). The first candidate that exists
# registers the command; when none does, the command is simply not offered.
_PLUGIN_COMMANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("simulate", ("core.simulation.cli_simulate",)),
    ("route", ("core.engines.route_cli",)),
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


def decode_text(data: bytes, source: str) -> str:
    """UTF-8 text of ``data`` with a leading byte-order mark dropped; :class:`InputError` gives the
    byte offset of the first invalid byte (and never quotes the content)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{source} is not UTF-8 text: invalid byte 0x{data[exc.start]:02x} at byte offset "
                         f"{exc.start}; save the SQL as UTF-8") from None


def read_sql(path: str) -> str:
    """The SQL text of ``path`` (``-`` reads stdin); :class:`InputError` says why it cannot be read.

    File and stdin are read the same way: as bytes, a BOM accepted, invalid UTF-8 refused.
    """
    if path == "-":
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:  # a text stream without bytes underneath (e.g. io.StringIO in tests)
            return sys.stdin.read().removeprefix("\ufeff")
        return decode_text(stream.read(), "stdin")
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or type(exc).__name__}") from None
    return decode_text(data, path)


_INT = re.compile(r"\+?[0-9][0-9_]*")


def int_option(name: str, raw: object, low: int, high: int) -> int:
    """``raw`` (an option's text, or its int default) as an int in ``low..high``; else an error that
    states the range, e.g. ``--partitions must be an integer in 1..100,000, got '1e20'``."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        value: int | None = raw
    else:
        text = str(raw).strip()
        value = int(text) if _INT.fullmatch(text) and len(text) <= 40 else None
    if value is None or not low <= value <= high:
        raise InvalidConfigError(f"{name} must be an integer in {low:,}..{high:,}, got {str(raw)!r}")
    return value


def float_option(name: str, raw: object, low: float, high: float, *, allow_low: bool = True) -> float:
    """``raw`` as a finite float in ``low..high`` (``low`` excluded unless ``allow_low``)."""
    try:
        value = float(str(raw).strip()) if not isinstance(raw, int | float) else float(raw)
    except ValueError:
        value = math.nan
    ok = math.isfinite(value) and (value >= low if allow_low else value > low) and value <= high
    if not ok:
        bound = f"{'>=' if allow_low else '>'} {low:g} and <= {high:g}"
        raise InvalidConfigError(f"{name} must be a finite number {bound}, got {str(raw)!r}")
    return value


def add_analysis_arguments(parser: argparse.ArgumentParser) -> None:
    """The options shared by ``analyze`` and ``simulate`` (FILE plus how to analyze it)."""
    parser.add_argument("file", metavar="FILE", help="SQL file to analyze, or - for stdin")
    parser.add_argument("--dialect", default="velostream",
                        help="velostream (default), ksqldb, flink, spark, risingwave or a sqlglot dialect")
    parser.add_argument("--engine", default=None, metavar="E",
                        help="whose plan rules and hash: velostream, flink, spark, kafka-streams or "
                             "partition-lab (default: the dialect's engine)")
    parser.add_argument("--tree", default="extended",
                        help="decision tree: extended (default, correctness first), seed (the design's own), "
                             "velostream, or a .toml/.json file")
    parser.add_argument("--source-key", action="append", default=[], metavar="[SOURCE=]COL[,COL]",
                        help="columns a source topic is keyed by (repeatable)")
    parser.add_argument("--source-partitions", default=None, metavar="N",
                        help="partition count of the source topics")
    parser.add_argument("--strategy", default=None, metavar="NAME",
                        help="force a strategy (any name or alias) instead of the tree's pick")
    parser.add_argument("--no-auto-select", dest="auto_select", action="store_false",
                        help="never let the tree choose; a strategy must be named somewhere")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a text report")


def analysis_options(args: argparse.Namespace) -> dict[str, Any]:
    """Keyword arguments for :func:`core.decide.analyze` from parsed analysis options."""
    return {
        "dialect": args.dialect,
        "tree": args.tree,
        "source_keys": tuple(args.source_key),
        "source_partitions": None if args.source_partitions is None else int_option(
            "--source-partitions", args.source_partitions, 1, MAX_PARTITIONS),
        "strategy": args.strategy,
        "auto_select": args.auto_select,
    }


def _run_analyze(args: argparse.Namespace) -> int:
    from core.decide.api import analyze, format_report

    result = analyze(read_sql(args.file), engine=args.engine, **analysis_options(args))
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
    port = int_option("--port", args.port, 1, 65_535)
    launch.serve(args.host, port, tuple(getattr(args, "allow_host", None) or ()))
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
    parser.set_defaults(run=_run_dashboard, host=DEFAULT_HOST, port=DEFAULT_PORT, allow_host=[], json=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    analyze = sub.add_parser("analyze", help="pick a partitioning strategy for each statement",
                             description="Pick a partitioning strategy for each statement of a SQL file.")
    add_analysis_arguments(analyze)
    analyze.set_defaults(run=_run_analyze)
    for name, candidates in _PLUGIN_COMMANDS:
        _add_plugin(sub, name, candidates)
    dashboard = sub.add_parser("dashboard", help="serve the Streamlit dashboard (the default)")
    dashboard.add_argument("--host", default=DEFAULT_HOST)
    dashboard.add_argument("--port", default=DEFAULT_PORT)
    dashboard.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                           help="also answer requests for this Host name (e.g. a reverse proxy's); "
                                "loopback names and --host are always allowed")
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
