"""A process tree's CPU time from /proc, and stopping that tree by pid.

The benchmarks charge an app with the CPU of everything it runs (utime+stime of each process,
plus cutime+cstime of the children it has already reaped), read from outside the app so that
measuring costs the app nothing.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterable

CLK_TCK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (field 3, the state, first)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as file:
            text = file.read().decode(errors="replace")
    except OSError:
        return None
    return text[text.rfind(")") + 2 :].split()


def alive(pid: int) -> bool:
    """Whether the process exists and is not a zombie."""
    fields = _stat(pid)
    return fields is not None and fields[0] not in ("Z", "X")


def tree(root: int) -> list[int]:
    """The root and all its descendants that exist now."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            fields = _stat(int(name))
            if fields is not None:
                children.setdefault(int(fields[1]), []).append(int(name))
    found: list[int] = []
    todo = [root]
    while todo:
        pid = todo.pop()
        if _stat(pid) is not None:
            found.append(pid)
            todo.extend(children.get(pid, []))
    return found


def cpu_ticks(pids: Iterable[int]) -> dict[int, int]:
    """utime+stime+cutime+cstime of each process, in clock ticks."""
    ticks: dict[int, int] = {}
    for pid in pids:
        fields = _stat(pid)
        if fields is not None:
            ticks[pid] = sum(int(value) for value in fields[11:15])
    return ticks


def cpu_seconds_since(before: dict[int, int], after: dict[int, int]) -> float:
    """CPU seconds used between two `cpu_ticks` readings (new processes count from zero)."""
    return sum(ticks - before.get(pid, 0) for pid, ticks in after.items()) / CLK_TCK


def stop(pids: Iterable[int], grace: float = 3.0) -> None:
    """Wait up to `grace` seconds for these processes to end, then SIGKILL the ones left."""
    left = [pid for pid in pids if alive(pid)]
    deadline = time.monotonic() + grace
    while left and time.monotonic() < deadline:
        time.sleep(0.02)
        left = [pid for pid in left if alive(pid)]
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
