"""The few Flink REST calls a measured run needs (standard library only)."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from typing import Any

from core.flink.errors import FlinkError

__all__ = ["FlinkRest", "free_port", "check_port_free", "parse_host_port"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def check_port_free(port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError as exc:
            raise FlinkError(f"port {port} on 127.0.0.1 is in use ({exc.strerror}); the local Flink REST "
                             "server needs a free port; choose another or leave it unset") from exc


def parse_host_port(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise FlinkError(f"--flink-rest expects HOST:PORT (e.g. 127.0.0.1:8081), got {text!r}")
    return host, int(port)


class FlinkRest:
    """``GET``/``PATCH`` against ``http://host:port`` with a per-call time-out; errors are FlinkError."""

    def __init__(self, host: str, port: int, timeout_s: float = 5.0) -> None:
        self.base = f"http://{host}:{port}"
        self.timeout_s = timeout_s

    def _call(self, method: str, path: str) -> Any:
        request = urllib.request.Request(self.base + path, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                body = response.read()
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            raise FlinkError(f"Flink REST {method} {self.base}{path} failed: {exc}") from exc
        return json.loads(body) if body else {}

    def get(self, path: str) -> Any:
        return self._call("GET", path)

    def cancel(self, job_id: str) -> None:
        self._call("PATCH", f"/jobs/{job_id}?mode=cancel")

    def job(self, job_id: str) -> dict[str, Any]:
        return dict(self.get(f"/jobs/{job_id}"))

    def subtask_records_in(self, job_id: str, vertex_id: str, parallelism: int) -> list[int]:
        loads = []
        for i in range(parallelism):
            rows = self.get(f"/jobs/{job_id}/vertices/{vertex_id}/subtasks/{i}/metrics?get=numRecordsIn")
            value = next((r.get("value") for r in rows if r.get("id") == "numRecordsIn"), None)
            loads.append(int(float(value)) if value is not None else 0)
        return loads

    def root_exception(self, job_id: str) -> str:
        try:
            data = self.get(f"/jobs/{job_id}/exceptions")
        except FlinkError:
            return ""
        return str(data.get("root-exception") or "")
