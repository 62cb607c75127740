"""Peak memory of a command run in a child process (and the processes it starts), Linux ``/proc``.

The benchmark measures memory in a child so its own arrays never pollute the figure. The
command's own peak comes from the kernel: a tiny launcher starts it and passes back ``os.wait4``'s
``ru_maxrss`` (the command's high-water mark, plus at most the launcher's few MiB it was forked
from). Its worker processes (children of the multiprocessing fork server, never waited for by the
command) are sampled from ``/proc/<pid>/status`` (``VmHWM``: each one's kernel-tracked peak so
far) every ``interval`` seconds. ``total_peak_mb`` adds every process's peak: an upper bound of
what the run held at any one moment (shared-memory slots count once per process that maps them).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

__all__ = ["MemoryReport", "measure_command", "descendants"]

_PROC = Path("/proc")


@dataclass(frozen=True)
class MemoryReport:
    """What one measured command used: exit status, wall time and peak RSS in MiB."""

    returncode: int
    wall_s: float
    main_peak_mb: float
    worker_peak_mb: float
    processes: int
    total_peak_mb: float
    sampled_total_mb: float
    timed_out: bool
    leftover: tuple[int, ...]
    stdout: str
    stderr: str

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("stdout")
        out["stderr"] = self.stderr[-2000:]
        return out


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in (_PROC / str(pid) / "task").iterdir():
            out += [int(c) for c in (task / "children").read_text().split()]
    except (OSError, ValueError):
        pass
    return out


def descendants(pid: int) -> list[int]:
    """Every live process below ``pid`` (children, grandchildren, ...)."""
    found: list[int] = []
    todo = _children(pid)
    while todo:
        child = todo.pop()
        if child not in found:
            found.append(child)
            todo += _children(child)
    return found


def _status_kb(pid: int) -> tuple[int, int]:
    """(VmHWM, VmRSS) in KiB; (0, 0) once the process is gone."""
    hwm = rss = 0
    try:
        for line in (_PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
            elif line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return hwm, rss


def _alive(pid: int) -> bool:
    try:
        state = (_PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _address_space_limit(mb: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (mb << 20, mb << 20))

    return apply


# A tiny launcher between us and the command. The kernel's ``ru_maxrss`` of a child also counts
# the memory it had before ``exec`` — a copy of its parent — so the command is started by this
# few-MiB process, never by a big one, and its exact peak comes back through a pipe.
_LAUNCHER = """
import os, sys
fd, argv = int(sys.argv[1]), sys.argv[2:]
pid = os.fork()
if pid == 0:
    os.close(fd)
    try:
        os.execvp(argv[0], argv)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
os.write(fd, str(usage.ru_maxrss).encode())
os.close(fd)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def measure_command(argv: Sequence[str], *, interval: float = 0.2, timeout: float | None = None,
                    env: dict[str, str] | None = None, stderr_to_terminal: bool = False,
                    limit_mb: int | None = None) -> MemoryReport:
    """Run ``argv`` to completion (killing its process group after ``timeout`` s) and report memory.

    ``limit_mb`` caps the command's address space (``RLIMIT_AS``, inherited by its children): a
    machine with that little memory, to check how a too-large request fails.
    """
    started = time.perf_counter()
    peak_r, peak_w = os.pipe()
    proc = subprocess.Popen([sys.executable, "-S", "-c", _LAUNCHER, str(peak_w), *argv],
                            stdout=subprocess.PIPE, stderr=None if stderr_to_terminal else subprocess.PIPE,
                            text=True, env=env, start_new_session=True, pass_fds=(peak_w,),
                            preexec_fn=None if limit_mb is None else _address_space_limit(limit_mb))
    os.close(peak_w)
    peaks: dict[int, int] = {}
    sampled = 0
    timed_out = False
    chunks: dict[str, str] = {"stdout": "", "stderr": ""}

    def drain(name: str, stream: Any) -> None:
        chunks[name] = stream.read()

    readers = [threading.Thread(target=drain, args=("stdout", proc.stdout), daemon=True)]
    if proc.stderr is not None:
        readers.append(threading.Thread(target=drain, args=("stderr", proc.stderr), daemon=True))
    for reader in readers:
        reader.start()
    command: int | None = None
    while proc.poll() is None:
        below = descendants(proc.pid)
        command = below[0] if command is None and below else command
        total = 0
        for pid in below:
            hwm, rss = _status_kb(pid)
            peaks[pid] = max(peaks.get(pid, 0), hwm)
            total += rss
        sampled = max(sampled, total)
        if timeout is not None and time.perf_counter() - started > timeout:
            timed_out = True
            os.killpg(proc.pid, 9)  # the session the launcher started, nothing else
        time.sleep(interval)
    # Processes seen during the run that outlived it: orphans the command failed to stop.
    leftover = tuple(pid for pid in peaks if pid != command and _alive(pid))
    with os.fdopen(peak_r, "rb") as pipe:
        reported = pipe.read().decode() or "0"
    for reader in readers:
        reader.join(timeout=5)
    main_kb = max(int(reported), peaks.pop(command, 0) if command is not None else 0)
    return MemoryReport(
        returncode=proc.returncode, wall_s=time.perf_counter() - started, main_peak_mb=main_kb / 1024,
        worker_peak_mb=max(peaks.values(), default=0) / 1024, processes=1 + len(peaks),
        total_peak_mb=(main_kb + sum(peaks.values())) / 1024, sampled_total_mb=sampled / 1024,
        timed_out=timed_out, leftover=leftover, stdout=chunks["stdout"], stderr=chunks["stderr"])
