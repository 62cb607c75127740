"""The child process that owns PyFlink and its JVM: ``python -m core.flink.child``.

It reads one JSON request per line on stdin and answers one JSON line on its private copy of
stdout; fd 1 itself is pointed at stderr so nothing the JVM or py4j prints can corrupt the protocol.
Only the standard library and PyFlink are imported here, so any interpreter with ``apache-flink``
can run it. Requests: ``start {config}``, ``execute {sql}``, ``explain {sql}``, ``columns {sql}``,
``submit {sql}``, ``cancel``, ``reset``, ``close``. Answers: ``{"ok": true, ...}`` or
``{"ok": false, "error": str, "kind": str}``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from typing import Any, TextIO


def _protocol_stream() -> TextIO:
    out = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)  # the JVM and py4j inherit fd 1: send their chatter to stderr
    sys.stdout = sys.stderr
    return out


_SET = re.compile(r"""^\s*SET\s+['"`]?(?P<key>[\w.\-]+)['"`]?\s*=\s*"""
                  r"""['"`]?(?P<value>[^'"`;]*)['"`]?\s*;?\s*$""", re.IGNORECASE | re.DOTALL)
_RESET = re.compile(r"^\s*RESET\b", re.IGNORECASE)

class _Session:
    def __init__(self) -> None:
        self.env: Any = None  # a pyflink TableEnvironment once started
        self.job: Any = None
        self.settings: Any = None

    def start(self, config: dict[str, str]) -> dict[str, Any]:
        from pyflink.common import Configuration  # the JVM starts here
        from pyflink.table import EnvironmentSettings, TableEnvironment
        from pyflink.version import __version__

        # Cluster options (REST port, parallelism, remote target) only take effect when given at
        # creation; setting them on the table config later does not reach the mini-cluster.
        conf = Configuration()
        for key, value in config.items():
            conf.set_string(key, str(value))
        builder = EnvironmentSettings.new_instance().in_streaming_mode()
        self.settings = builder.with_configuration(conf).build()
        self.env = TableEnvironment.create(self.settings)
        return {"version": __version__}

    def reset(self) -> dict[str, Any]:
        """A fresh TableEnvironment (empty catalog, default table config) in the same, warm JVM."""
        from pyflink.table import TableEnvironment

        self.cancel()
        self.env = TableEnvironment.create(self.settings)
        return {}

    def execute(self, sql: str) -> dict[str, Any]:
        # The SQL client's SET / RESET lines are not statements of the Table API: apply them to the
        # table config (planner options such as mini-batch or agg-phase-strategy take effect).
        setting = _SET.match(sql)
        if setting:
            self.env.get_config().set(setting.group("key"), setting.group("value"))
            return {}
        if _RESET.match(sql):
            return {}
        self.env.execute_sql(sql)
        return {}

    def explain(self, sql: str) -> dict[str, Any]:
        return {"plan": self.env.explain_sql(sql)}

    def columns(self, sql: str) -> dict[str, Any]:
        schema = self.env.sql_query(sql)._j_table.getResolvedSchema()
        return {"columns": [[c.getName(), c.getDataType().toString()] for c in schema.getColumns()]}

    def submit(self, sql: str) -> dict[str, Any]:
        result = self.env.execute_sql(sql)
        self.job = result.get_job_client()
        return {"job_id": str(self.job.get_job_id())}

    def cancel(self) -> dict[str, Any]:
        if self.job is not None:
            self.job.cancel().result()
            self.job = None
        return {}


def _answer(session: _Session, request: dict[str, Any]) -> dict[str, Any]:
    op = request.get("op")
    if op == "start":
        return session.start(request.get("config") or {})
    if op == "execute":
        return session.execute(request["sql"])
    if op == "explain":
        return session.explain(request["sql"])
    if op == "columns":
        return session.columns(request["sql"])
    if op == "submit":
        return session.submit(request["sql"])
    if op == "cancel":
        return session.cancel()
    if op == "reset":
        return session.reset()
    raise ValueError(f"unknown request {op!r}")


def main() -> int:
    out = _protocol_stream()
    session = _Session()
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("op") == "close":
            break
        try:
            answer = {"ok": True, **_answer(session, request)}
        except ImportError as exc:
            answer = {"ok": False, "kind": "unavailable", "error": f"{exc}"}
        except Exception as exc:  # noqa: BLE001 - every Flink failure goes back to the parent as text
            answer = {"ok": False, "kind": "flink", "error": str(exc)}
        out.write(json.dumps(answer) + "\n")
        out.flush()
    with contextlib.suppress(Exception):  # closing anyway; the parent kills the process group next
        session.cancel()
    return 0


if __name__ == "__main__":
    sys.exit(main())
