"""A private tmux server that runs apps in detached sessions and reads their screens.

Screens are read and keys sent through one control-mode client (`tmux -C`), so polling every
few milliseconds costs no process start per poll and takes little CPU from the app measured.
The server has its own socket name and no user configuration; `close()` kills it and every
process it ran, by pid.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import proctree

CONFIG = """set -g status off
set -g default-terminal tmux-256color
set -g remain-on-exit on
set -g history-limit 100
set -sg escape-time 10
"""


class TmuxError(RuntimeError):
    """tmux is missing, refused a command, or its control client went away."""


class Tmux:
    """A private tmux server with a control-mode client; use it as a context manager."""

    def __init__(self, workdir: Path, env: dict[str, str]) -> None:
        executable = shutil.which("tmux")
        if executable is None:
            raise TmuxError("tmux is not installed (e.g. `apt-get install tmux`)")
        self.exe = executable
        self.socket = f"tikhub-bench-{os.getpid()}-{time.monotonic_ns() % 10**6}"
        workdir.mkdir(parents=True, exist_ok=True)
        self.conf = workdir / "tmux.conf"
        self.conf.write_text(CONFIG)
        self.env = env
        self.server_pid: int | None = None
        self.socket_path: Path | None = None
        self.pids: set[int] = set()
        self.control: subprocess.Popen[bytes] | None = None
        self._buffer = b""

    def __enter__(self) -> Tmux:
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, *args: str) -> str:
        """One tmux command as its own process; its stdout."""
        command = [self.exe, "-L", self.socket, "-f", str(self.conf), *args]
        result = subprocess.run(command, env=self.env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise TmuxError(f"tmux {args[0]} failed: {result.stderr.strip()}")
        return result.stdout

    def _start(self) -> None:
        pane_pid = self.run(
            "new-session", "-d", "-P", "-F", "#{pane_pid}", "-s", "control", "sleep 100000"
        )
        self.pids.add(int(pane_pid))
        reply = self.run("display-message", "-p", "#{pid} #{socket_path}").strip()
        server_pid, socket_path = reply.split(" ", 1)
        self.server_pid, self.socket_path = int(server_pid), Path(socket_path)
        self.control = subprocess.Popen(
            [self.exe, "-L", self.socket, "-C", "attach", "-f", "no-output,ignore-size"],
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.pids.add(self.control.pid)
        self.command("display-message -p ready")

    def launch(self, name: str, argv: list[str], size: tuple[int, int], env: dict[str, str]) -> str:
        """Start argv in a new detached session of size (columns, lines); its pane id."""
        extra = [item for key, value in env.items() for item in ("-e", f"{key}={value}")]
        width, height = size
        pane, pid = self.run(
            "new-session", "-d", "-P", "-F", "#{pane_id} #{pane_pid}", "-s", name,
            "-x", str(width), "-y", str(height), *extra, "--", *argv,
        ).split()  # fmt: skip
        self.pids.add(int(pid))
        return pane

    def pane_pid(self, pane: str) -> int:
        return int(self.command(f"display-message -p -t {pane} '#{{pane_pid}}'")[0])

    def dead(self, pane: str) -> str | None:
        """None while the pane's process runs, else how it ended."""
        dead, status = self.command(
            f"display-message -p -t {pane} '#{{pane_dead}} #{{pane_dead_status}}'"
        )[0].split(" ", 1)
        return f"exit status {status or '?'}" if dead == "1" else None

    def capture(self, pane: str) -> str:
        """The visible screen of the pane as text."""
        return "\n".join(self.command(f"capture-pane -p -t {pane}"))

    def type_text(self, pane: str, text: str) -> None:
        """Type literal text (no key names) into the pane."""
        quoted = text.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
        self.command(f'send-keys -t {pane} -l -- "{quoted}"')

    def press(self, pane: str, key: str) -> None:
        """Press one key by tmux name (Enter, Escape, C-n, ...)."""
        if not key.replace("-", "").isalnum():
            raise ValueError(f"not a tmux key name: {key!r}")
        self.command(f"send-keys -t {pane} {key}")

    def kill_session(self, pane: str) -> None:
        """End the pane's session and, by pid, every process of its tree."""
        pids = proctree.tree(self.pane_pid(pane))
        self.command(f"kill-session -t {pane}")
        proctree.stop(pids)

    def command(self, line: str) -> list[str]:
        """Run one command on the control client; its output lines."""
        if self.control is None or self.control.stdin is None:
            raise TmuxError("the tmux control client is not running")
        self.control.stdin.write(line.encode() + b"\n")
        self.control.stdin.flush()
        while True:  # replies to our commands carry flag 1; skip anything else
            header = self._line()
            if header.startswith("%begin ") and header.endswith(" 1"):
                break
        tail = header.removeprefix("%begin ")
        lines: list[str] = []
        while (row := self._line()) not in (f"%end {tail}", f"%error {tail}"):
            lines.append(row)
        if row.startswith("%error"):
            raise TmuxError(f"tmux {line.split()[0]}: {' '.join(lines)}")
        return lines

    def _line(self) -> str:
        assert self.control is not None and self.control.stdout is not None
        while b"\n" not in self._buffer:
            chunk = os.read(self.control.stdout.fileno(), 1 << 16)
            if not chunk:
                raise TmuxError("the tmux control client exited")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line.decode(errors="replace")

    def close(self) -> None:
        """Kill the server; then stop, by pid, whatever of it and its panes is left.

        Ctrl-C and SIGTERM wait until this is done, so a second Ctrl-C cannot leave a server."""
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            self._close()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)

    def _close(self) -> None:
        known = set(self.pids)
        if self.server_pid is not None:
            known.update(proctree.tree(self.server_pid))
        subprocess.run(
            [self.exe, "-L", self.socket, "kill-server"],
            env=self.env,
            capture_output=True,
            check=False,
        )
        if self.control is not None and self.control.stdin is not None:
            self.control.stdin.close()
        proctree.stop(known)
        if self.control is not None:
            self.control.wait(timeout=5)
        self.conf.unlink(missing_ok=True)
        if self.socket_path is not None:
            self.socket_path.unlink(missing_ok=True)
