"""Serve the dashboard from a console script (``partition-lab`` / ``partition-lab dashboard``)."""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["serve", "server_flags", "APP_PATH"]

APP_PATH = Path(__file__).resolve().with_name("app.py")


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
    ]


def serve(host: str = "127.0.0.1", port: int = 8501) -> None:
    """Run ``streamlit run dashboard/app.py`` in this process until interrupted."""
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(APP_PATH), *server_flags(host, port)]
    cli.main()
