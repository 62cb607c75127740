"""``partition-lab``: the command list and the dispatch (no plugin lookup: every command is a module).

Each command module exposes ``add_parser(subparsers)``, which registers the command and stores its
handler as ``run``. Any :class:`~core.errors.PartitionLabError` or usage error ends with exit
status 2 and ``error: ...`` on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from core.cli import analyze, bench, dashboard, route, simulate, verify
from core.errors import PartitionLabError, SqlSyntaxError

__all__ = ["main", "build_parser", "COMMANDS", "EXIT_ERROR"]

EXIT_ERROR = 2

# In the order `--help` lists them; `dashboard` is also what no command at all runs.
COMMANDS = (analyze, simulate, route, bench, verify, dashboard)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors read ``error: ...`` and exit 2 (the CLI contract)."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"error: {message}\n(see {self.prog} --help)\n")
        raise SystemExit(EXIT_ERROR)


def build_parser() -> argparse.ArgumentParser:
    """The full command line; each subparser stores its handler as ``args.run``."""
    parser = _Parser(prog="partition-lab",
                     description="Pick and compare partitioning strategies for streaming SQL.")
    parser.set_defaults(run=dashboard.run, host=dashboard.DEFAULT_HOST, port=dashboard.DEFAULT_PORT,
                        allow_host=[], json=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(sub)
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
    except PartitionLabError as exc:
        return _report_error(str(exc), args, exc)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: stop quietly, and keep Python's exit flush quiet too.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0
