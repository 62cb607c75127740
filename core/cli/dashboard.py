"""``partition-lab dashboard`` (and ``partition-lab`` alone): serve the Streamlit dashboard.

core never imports the dashboard (which imports streamlit): this command checks its options, then
hands the process over to the dashboard's own program, ``python -m dashboard.launch``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from typing import Any

from core.cli.options import int_option
from core.errors import InputError

__all__ = ["add_parser", "run", "launch_argv", "DEFAULT_HOST", "DEFAULT_PORT"]

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8501


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser("dashboard", help="serve the Streamlit dashboard (the default)")
    p.add_argument("--host", default=DEFAULT_HOST)
    p.add_argument("--port", default=DEFAULT_PORT)
    p.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                   help="also answer requests for this Host name (e.g. a reverse proxy's); "
                        "loopback names and --host are always allowed")
    p.set_defaults(run=run)
    return p


def launch_argv(args: argparse.Namespace) -> list[str]:
    """The dashboard program's command line for these options (the port checked first)."""
    port = int_option("--port", args.port, 1, 65_535)
    argv = [sys.executable, "-m", "dashboard.launch", "--host", str(args.host), "--port", str(port)]
    for name in getattr(args, "allow_host", None) or ():
        argv += ["--allow-host", name]
    return argv


def run(args: argparse.Namespace) -> int:
    argv = launch_argv(args)
    # find_spec of a top-level name imports nothing: the dashboard stays out of this process.
    if importlib.util.find_spec("dashboard") is None:
        raise InputError("the dashboard is not installed (package 'dashboard' missing); pip install -e .")
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(argv[0], argv)  # the dashboard replaces this process: its signals, its exit status
    return 0  # not reached (execv only returns by raising)
