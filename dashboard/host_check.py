"""Which ``Host`` headers the dashboard server answers: loopback names and the address it was given.

A DNS-rebinding page (attacker.example resolving to 127.0.0.1) reaches a local server with its own
name in ``Host``; answering only known names keeps such a page from driving the dashboard, over
HTTP and over the WebSocket alike. Starlette's ``TrustedHostMiddleware`` does the checking.
"""

from __future__ import annotations

import contextlib
import os
import socket

__all__ = ["allowed_hosts", "HOSTS_ENV", "LOOPBACK_HOSTS"]

# The launcher passes the hosts to the server process through the environment (the ASGI app module
# is imported by uvicorn, not called by us).
HOSTS_ENV = "PARTITION_LAB_ALLOWED_HOSTS"
LOOPBACK_HOSTS: tuple[str, ...] = ("localhost", "127.0.0.1", "::1", "[::1]")
_EVERY_INTERFACE = ("", "0.0.0.0", "::", "[::]")


def allowed_hosts(host: str = "127.0.0.1", extra: tuple[str, ...] = ()) -> list[str]:
    """Host names (no port) the server accepts when bound to ``host``.

    Bound to every interface, the machine's own name and addresses are added too (that is how other
    machines reach it); ``extra`` adds names such as a reverse proxy's.
    """
    names = [*LOOPBACK_HOSTS, host.strip().lower(), *(e.strip().lower() for e in extra)]
    if host.strip() in _EVERY_INTERFACE:
        own = socket.gethostname()
        names += [own.lower(), socket.getfqdn().lower()]
        # No resolvable own name: loopback and the extra names still work.
        with contextlib.suppress(OSError):
            names += socket.gethostbyname_ex(own)[2]
    return [n for n in dict.fromkeys(names) if n and n not in _EVERY_INTERFACE]


def hosts_from_env() -> list[str]:
    """The hosts the launcher chose, or loopback only when started some other way."""
    raw = os.environ.get(HOSTS_ENV, "")
    hosts = [h.strip().lower() for h in raw.split(",") if h.strip()]
    return hosts or list(LOOPBACK_HOSTS)
