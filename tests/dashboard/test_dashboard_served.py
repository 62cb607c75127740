"""The served dashboard answers only known Host names (issue 11: a DNS-rebinding page could drive it).

Real requests against a real server: HTTP and the WebSocket with a foreign Host are refused, loopback
names are served.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.host_check import allowed_hosts
from dashboard.launch import SERVED_PATH, server_env, server_flags

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    port = _free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(SERVED_PATH), *server_flags(port=port)]
    proc = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **server_env()}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while _status(port, "127.0.0.1") != 200:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the dashboard server did not become healthy")
            time.sleep(0.3)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def _status(port: int, host: str, path: str = "/_stcore/health") -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return 0


def _websocket(port: int, host: str) -> str:
    """Open Streamlit's WebSocket as a page on ``host`` would: that name in Host and Origin."""
    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidStatus

    name = host.rsplit(":", 1)[0]

    async def attempt() -> str:
        try:
            # The URL's name goes into Host; the TCP connection still goes to 127.0.0.1 (DNS rebinding).
            async with connect(f"ws://{name}:{port}/_stcore/stream", host="127.0.0.1", port=port,
                               origin=f"http://{name}:{port}", subprotocols=["streamlit"],  # type: ignore[arg-type, list-item]
                               open_timeout=10):
                return "open"
        except InvalidStatus as error:
            return f"refused {error.response.status_code}"

    return asyncio.run(attempt())


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", f"localhost:{8501}"])
def test_loopback_names_are_served(port: int, host: str) -> None:
    assert _status(port, host.replace("8501", str(port))) == 200
    assert _status(port, host, "/") == 200


@pytest.mark.parametrize("host", ["evil.example", "attacker.test:80", "127.0.0.1.nip.io", "localhost.evil"])
def test_a_foreign_host_is_refused_over_http_and_websocket(port: int, host: str) -> None:
    assert _status(port, host) == 400
    assert _status(port, host, "/") == 400
    assert _websocket(port, host) == "refused 400"


def test_the_websocket_opens_for_a_loopback_host(port: int) -> None:
    assert _websocket(port, "127.0.0.1") == "open"
    assert _websocket(port, "localhost") == "open"


def test_allowed_hosts_are_loopback_plus_the_chosen_host() -> None:
    assert allowed_hosts("127.0.0.1") == ["localhost", "127.0.0.1", "::1", "[::1]"]
    assert "lab.example" in allowed_hosts("lab.example")
    everywhere = allowed_hosts("0.0.0.0", ("proxy.internal",))
    assert socket.gethostname().lower() in everywhere and "proxy.internal" in everywhere
    assert "0.0.0.0" not in everywhere
