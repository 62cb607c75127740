"""One Flink JVM in a child process, driven over JSON lines, with time-outs and guaranteed clean-up.

The child runs in its own session (process group), so killing the group by the child's pid also
kills the JVM PyFlink launched under it. Every exit path — an answer that does not come in time, a
Flink error, the child dying, KeyboardInterrupt — goes through :meth:`FlinkSession.close`.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from core.flink import INSTALL_HINT
from core.flink.errors import FlinkError, FlinkRejectedError, FlinkTimeoutError, FlinkUnavailableError

__all__ = ["FlinkSession", "flink_python", "require_flink", "flink_message", "check_java", "DEFAULT_JVM_ARGS"]

DEFAULT_JVM_ARGS = "-Xmx768m -XX:+UseSerialGC"
_PROJECT_ROOT = str(Path(__file__).resolve().parents[2])


def flink_python() -> str:
    """The interpreter that runs the child: ``$PARTITION_LAB_FLINK_PYTHON``, else this one."""
    return os.environ.get("PARTITION_LAB_FLINK_PYTHON") or sys.executable


def require_flink() -> None:
    """Raise :class:`FlinkUnavailableError` (with the install line) when the child cannot import PyFlink.

    Only this interpreter can be checked without starting anything; a separate
    ``$PARTITION_LAB_FLINK_PYTHON`` is trusted and reports a missing PyFlink when it starts.
    """
    import importlib.util

    if flink_python() == sys.executable and importlib.util.find_spec("pyflink") is None:
        raise FlinkUnavailableError(f"Flink features need PyFlink, which is not installed: {INSTALL_HINT}")


def check_java(env: dict[str, str] | None = None) -> str:
    """The java binary Flink will use; :class:`FlinkUnavailableError` when there is none."""
    env = dict(os.environ) if env is None else env
    home = env.get("JAVA_HOME")
    if home:
        java = Path(home) / "bin" / "java"
        if not java.is_file():
            raise FlinkUnavailableError(f"JAVA_HOME={home} has no bin/java; point JAVA_HOME at a Java 11+ "
                                        "install or unset it to use the java on PATH")
        return str(java)
    found = shutil.which("java", path=env.get("PATH"))
    if not found:
        raise FlinkUnavailableError("Flink needs Java 11+ and no `java` is on PATH (and JAVA_HOME is unset); "
                                    "install a JDK, e.g. apt-get install openjdk-17-jre-headless")
    return found


def flink_message(text: str, limit: int = 3) -> str:
    """Flink's own words from a Java exception dump: the exception lines without the stack frames.

    Keeps the first exception line and the deepest ``Caused by:`` (usually the precise reason),
    drops py4j's "An error occurred while calling" wrapper and every ``at ...`` frame.
    """
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln.removeprefix(": ").strip() for ln in lines if ln and not ln.startswith("at ")
             and not ln.startswith("... ") and "An error occurred while calling" not in ln]
    heads = [ln for ln in lines if not ln.startswith("Caused by:")]
    causes = [ln.removeprefix("Caused by:").strip() for ln in lines if ln.startswith("Caused by:")]
    picked = heads[:1] + ([causes[-1]] if causes and causes[-1] not in heads[:1] else [])
    short = [_short_class(ln) for ln in picked[:limit]]
    return " | ".join(short) if short else text.strip()[:500]


def _short_class(line: str) -> str:
    # "org.apache.flink.table.api.ValidationException: msg" -> "ValidationException: msg"
    head, sep, rest = line.partition(": ")
    if sep and "." in head and " " not in head:
        return f"{head.rsplit('.', 1)[-1]}: {rest}"
    return line


class FlinkSession:
    """A child process with one Flink TableEnvironment. Use as a context manager.

    ``command`` replaces the child's command line (tests inject a failing or hanging one);
    ``start_timeout_s`` bounds JVM start-up, ``timeout_s`` every later request.
    """

    close_grace_s = 3.0  # how long the child may take to stop its job and JVM before it is killed

    def __init__(self, *, config: dict[str, str] | None = None, start_timeout_s: float = 120.0,
                 timeout_s: float = 120.0, command: Sequence[str] | None = None,
                 env: dict[str, str] | None = None) -> None:
        self.config = dict(config or {})
        self.start_timeout_s = start_timeout_s
        self.timeout_s = timeout_s
        self._command = list(command) if command else None
        self._env = env
        self._proc: subprocess.Popen[str] | None = None
        self._answers: queue.Queue[str | None] = queue.Queue()
        self._stderr: Any = None
        self.version = ""
        self.start_s = 0.0

    # -- life cycle -----------------------------------------------------------------------------
    def __enter__(self) -> FlinkSession:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def start(self) -> None:
        env = dict(os.environ if self._env is None else self._env)
        if self._command is None:
            check_java(env)
        env.setdefault("JVM_ARGS", DEFAULT_JVM_ARGS)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_PROJECT_ROOT, env.get("PYTHONPATH", "")) if p)
        command = self._command or [flink_python(), "-m", "core.flink.child"]
        self._stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")  # noqa: SIM115
        began = time.perf_counter()
        try:
            self._proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=self._stderr, text=True, env=env, start_new_session=True)
        except OSError as exc:
            self.close()
            raise FlinkUnavailableError(f"cannot start the Flink child {command[0]}: {exc}") from exc
        threading.Thread(target=self._pump, args=(self._proc,), daemon=True).start()
        try:
            answer = self.request({"op": "start", "config": self.config}, timeout_s=self.start_timeout_s)
        except BaseException:
            self.close()
            raise
        self.version = str(answer.get("version", ""))
        self.start_s = time.perf_counter() - began

    def _pump(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            self._answers.put(line)
        self._answers.put(None)  # end of stream: the child exited

    def close(self) -> None:
        """Ask the child to stop, then kill its whole process group (the JVM with it); idempotent."""
        proc, self._proc = self._proc, None
        if proc is not None:
            try:
                if proc.poll() is None and proc.stdin is not None:
                    proc.stdin.write('{"op": "close"}\n')
                    proc.stdin.flush()
                    proc.wait(timeout=self.close_grace_s)
            except (OSError, ValueError, subprocess.TimeoutExpired):
                pass
            _kill_group(proc)
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    # -- requests -------------------------------------------------------------------------------
    def request(self, payload: dict[str, Any], *, timeout_s: float | None = None) -> dict[str, Any]:
        """Send one request, wait for its answer; raise the matching error (the session stays usable
        after a Flink error, and is closed after a time-out or a dead child)."""
        proc = self._proc
        if proc is None or proc.stdin is None:
            raise FlinkError("the Flink session is closed")
        limit = self.timeout_s if timeout_s is None else timeout_s
        try:
            proc.stdin.write(json.dumps(payload) + "\n")
            proc.stdin.flush()
        except OSError:
            raise self._died() from None
        try:
            line = self._wait(proc, limit)
        except BaseException:  # KeyboardInterrupt included: never leave the JVM behind
            self.close()
            raise
        if line is None:
            raise self._died()
        if line == "":
            self.close()
            raise FlinkTimeoutError(f"Flink did not answer {payload.get('op')!r} within {limit:g} s; "
                                    "the JVM was stopped (raise the time-out or lower the load)")
        answer: dict[str, Any] = json.loads(line)
        if answer.get("ok"):
            return answer
        message = str(answer.get("error", ""))
        if answer.get("kind") == "unavailable":
            self.close()
            raise FlinkUnavailableError(f"PyFlink is not installed for {flink_python()} ({message}); "
                                        f"{INSTALL_HINT}")
        raise FlinkRejectedError(flink_message(message))

    def _wait(self, proc: subprocess.Popen[str], limit: float) -> str | None:
        """The next answer line; None when the child exited, '' on time-out. The child's own exit is
        checked too, because a grandchild holding the pipe open would hide the end of the stream."""
        deadline = time.monotonic() + limit
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return ""
            try:
                return self._answers.get(timeout=min(left, 0.25))
            except queue.Empty:
                if proc.poll() is not None:
                    try:
                        return self._answers.get(timeout=0.1)
                    except queue.Empty:
                        return None

    def _died(self) -> FlinkError:
        tail = self._stderr_tail()
        self.close()
        if "No module named 'pyflink'" in tail:
            return FlinkUnavailableError(f"PyFlink is not installed for {flink_python()}; {INSTALL_HINT}")
        return FlinkError("the Flink child process exited before answering"
                          + (f": {flink_message(tail)}" if tail else "")
                          + " (check Java 11+ and JVM_ARGS)")

    def _stderr_tail(self, chars: int = 4000) -> str:
        if self._stderr is None:
            return ""
        try:
            self._stderr.flush()
            self._stderr.seek(0)
            return str(self._stderr.read())[-chars:].strip()
        except (OSError, ValueError):
            return ""

    def execute(self, sql: str) -> None:
        self.request({"op": "execute", "sql": sql})

    def explain(self, sql: str) -> str:
        return str(self.request({"op": "explain", "sql": sql})["plan"])

    def columns(self, sql: str) -> list[tuple[str, str]]:
        """``(name, Flink type)`` of each output column of a query."""
        return [(str(n), str(t)) for n, t in self.request({"op": "columns", "sql": sql})["columns"]]

    def submit(self, sql: str) -> str:
        return str(self.request({"op": "submit", "sql": sql})["job_id"])

    def cancel(self) -> None:
        self.request({"op": "cancel"})

    def reset(self) -> None:
        """Forget every table and setting (a new TableEnvironment); the JVM and its warm planner stay."""
        self.request({"op": "reset"})


def _kill_group(proc: subprocess.Popen[str]) -> None:
    """SIGKILL the child's process group (it leads its own session) and reap the child."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    for stream in (proc.stdin, proc.stdout):
        try:
            if stream is not None:
                stream.close()
        except OSError:
            pass
