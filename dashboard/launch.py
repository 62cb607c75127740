"""Serve the dashboard: ``python -m dashboard.launch [--host H] [--port P] [--allow-host NAME]...``.

``partition-lab`` / ``partition-lab dashboard`` check their options and exec this program, so core
never imports the dashboard or streamlit.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from core.limits import TRACE_UPLOAD_MB
from dashboard.host_check import HOSTS_ENV, allowed_hosts

__all__ = ["serve", "server_flags", "server_env", "APP_PATH", "SERVED_PATH", "HOSTS_ENV", "main"]

APP_PATH = Path(__file__).resolve().with_name("app.py")
# What is served: app.py wrapped with the Host check (dashboard/server_app.py).
SERVED_PATH = Path(__file__).resolve().with_name("server_app.py")


def server_flags(host: str = "127.0.0.1", port: int = 8501) -> list[str]:
    """Flags passed explicitly: a config.toml is not read when launched from another directory."""
    return [
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
        # A local analysis tool has nothing to deploy: hide the Deploy button.
        "--client.toolbarMode",
        "minimal",
        # Refuse larger uploads before Streamlit buffers them (the trace limit is the largest upload).
        "--server.maxUploadSize",
        str(TRACE_UPLOAD_MB),
        # Inputs reset for a new query (a stale source key) are written through session state on purpose.
        "--global.disableWidgetStateDuplicationWarning",
        "true",
        # The server checks Host itself (host_check); keep Streamlit's own origin checks on as well.
        "--server.enableXsrfProtection",
        "true",
    ]


def server_env(host: str = "127.0.0.1", extra_hosts: tuple[str, ...] = ()) -> dict[str, str]:
    """Environment entries for the server process: the Host names it may answer."""
    return {HOSTS_ENV: ",".join(allowed_hosts(host, extra_hosts))}


def serve(host: str = "127.0.0.1", port: int = 8501, extra_hosts: tuple[str, ...] = ()) -> None:
    """Run ``streamlit run dashboard/server_app.py`` in this process until interrupted."""
    from streamlit.web import cli

    os.environ.update(server_env(host, extra_hosts))
    sys.argv = ["streamlit", "run", str(SERVED_PATH), *server_flags(host, port)]
    cli.main()


def main(argv: Sequence[str] | None = None) -> None:
    """Serve with the options ``partition-lab dashboard`` passes on (already checked there)."""
    parser = argparse.ArgumentParser(prog="python -m dashboard.launch")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--allow-host", action="append", default=[])
    args = parser.parse_args(argv)
    serve(args.host, args.port, tuple(args.allow_host))


if __name__ == "__main__":
    main()
