"""What hostile servers cost: memory and time bounds, measured on the real programs.

A loopback server in this process answers each run with one of:
- a gzip body of 1 MB that inflates to 1 GiB with no newline (`ask`);
- a single 20 MB `data:` line, one text delta (`ask`, and the app: Enter -> the error on
  screen, or, without the limit, the text);
- one byte of an SSE comment every 0.5 s, never any text (`ask --timeout 3`), and the same
  after a first piece of text;
- a 4 MB paragraph without a line break, in 40 pieces, within the limits (the app: Enter ->
  its last word on screen).
`ask` runs as a fresh process: wall time and peak memory (wait4's ru_maxrss). The app runs in
a 120x40 session of a private tmux server: the time until the result is on screen, until the
app is idle again, the CPU seconds of its process tree meanwhile and its peak memory (VmHWM).
`--source DIR` runs the app and `ask` from another checkout (to measure a version before the
limits, e.g. `git archive main | tar -x -C /tmp/main`).

    python benchmarks/bench_hostile.py [--source DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import proctree
from common import RESULTS, ROOT, bench_env, save, table
from tmux_driver import Tmux

sys.path.insert(0, str(ROOT))
from tests.raw_server import RawServer, Request, http_response

SIZE = (120, 40)
TIMEOUT = ("--timeout", "3")
WORK = RESULTS / "hostile"
Parts = list[bytes | float]


def delta(text: str) -> bytes:
    body = {"type": "content_block_delta", "delta": {"type": "text_delta", "text": text}}
    return b"event: content_block_delta\ndata: " + json.dumps(body).encode() + b"\n\n"


STOP = b'event: message_stop\ndata: {"type":"message_stop"}\n\n'


def gzip_bomb() -> Parts:
    """About 1 MB of gzip that inflates to 1 GiB of one line."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"a" * (1 << 20)
    body = packer.compress(b"data: ") + b"".join(packer.compress(block) for _ in range(1024))
    body += packer.flush()
    head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-encoding: gzip\r\n"
    return [head + b"content-length: %d\r\n\r\n" % len(body), body]


def long_line() -> Parts:
    """One text delta of 20 MB: a single `data:` line of valid JSON."""
    return http_response(200, [delta("x" * (20 * 1024 * 1024)), STOP])


def trickle(first: bytes) -> Parts:
    parts: Parts = [first, b": "] if first else [b": "]
    for _ in range(240):
        parts += [0.5, b"k"]
    return http_response(200, parts)


def paragraph() -> tuple[Parts, str]:
    words = ("lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing")
    text = " ".join(words[i % 7] for i in range(700_000)) + " FINALWORD"
    pieces = [delta(text[i : i + 100_000]) for i in range(0, len(text), 100_000)]
    return http_response(200, [*pieces, STOP]), "FINALWORD"


def run_ask(url: str, source: Path, *extra: str) -> dict[str, object]:
    """`ask` against the server: exit code, wall seconds, peak MB, last line of stderr."""
    env = bench_env(TIKHUB_TUI_DATA_DIR=str(WORK / "ask-data"), PYTHONPATH=str(source))
    command = [sys.executable, "-m", "tikhub_tui", "ask", "--provider", "anthropic", "-m",
               "claude-x", "--base-url", url, "--no-save", *extra, "hi"]  # fmt: skip
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, cwd=source, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert process.stderr is not None
    err = process.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(process.pid, 0)
    return {
        "exit": os.waitstatus_to_exitcode(status),
        "seconds": round(time.perf_counter() - started, 2),
        "peak_mb": round(usage.ru_maxrss / 1024),
        "said": err.strip().splitlines()[0][:120] if err.strip() else "",
    }


def peak_mb(pids: list[int]) -> int:
    peak = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) // 1024)
        except OSError:
            continue
    return peak


def run_app(
    tmux: Tmux, url: str, source: Path, shown: Callable[[str], bool], name: str
) -> dict[str, object]:
    """The app against the server: Enter -> `shown(screen)`, its CPU and peak memory."""
    data = WORK / f"app-{name}"
    argv = [sys.executable, "-m", "tikhub_tui", "--base-url", url, "--provider", "anthropic",
            "-m", "claude-x"]  # fmt: skip
    env = {"TIKHUB_TUI_DATA_DIR": str(data), "PYTHONPATH": str(source)}
    pane = tmux.launch(f"hostile-{name}", argv, SIZE, env)
    pid = tmux.pane_pid(pane)
    wait_for(tmux, pane, lambda s: "Ask anything" in s, 30)
    tmux.type_text(pane, "go")
    time.sleep(0.3)
    ticks = proctree.cpu_ticks(proctree.tree(pid))
    started = time.perf_counter()
    tmux.press(pane, "Enter")
    seen = wait_for(tmux, pane, shown, 900)
    settled = settle(pid, started)
    cpu = proctree.cpu_seconds_since(ticks, proctree.cpu_ticks(proctree.tree(pid)))
    result = {
        "seconds": round(seen - started, 2),
        "settled_s": round(settled - started, 2),
        "cpu_s": round(cpu, 2),
        "peak_mb": peak_mb(proctree.tree(pid)),
    }
    tmux.kill_session(pane)
    return result


def settle(pid: int, started: float, quiet: float = 0.05, cap: float = 600) -> float:
    """When the app's process tree stopped working (under `quiet` CPU seconds in a second)."""
    last = proctree.cpu_ticks(proctree.tree(pid))
    while time.perf_counter() - started < cap:
        time.sleep(1.0)
        now = proctree.cpu_ticks(proctree.tree(pid))
        if proctree.cpu_seconds_since(last, now) < quiet:
            return time.perf_counter() - 1.0
        last = now
    return time.perf_counter()


def wait_for(tmux: Tmux, pane: str, done: Callable[[str], bool], timeout: float) -> float:
    deadline = time.perf_counter() + timeout
    while True:
        screen = tmux.capture(pane)
        if done(screen):
            return time.perf_counter()
        if tmux.dead(pane) or time.perf_counter() > deadline:
            raise RuntimeError(f"gave up waiting; the screen was:\n{screen}")
        time.sleep(0.02)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT, help="the checkout to measure")
    parser.add_argument("--app-only", action="store_true", help="only the app's scenarios")
    args = parser.parse_args()
    source = args.source.resolve()
    WORK.mkdir(parents=True, exist_ok=True)
    bomb, line = gzip_bomb(), long_line()
    story, last_word = paragraph()
    answers: dict[str, Parts] = {}

    def respond(_: Request) -> Parts:
        return answers["now"]

    results: dict[str, dict[str, object]] = {}
    with RawServer(respond) as server:
        for name, parts, extra in () if args.app_only else (
            ("ask: gzip bomb (1 MB -> 1 GiB, one line)", bomb, ()),
            ("ask: one 20 MB data line", line, ()),
            ("ask --timeout 3: keep-alive bytes, no text", trickle(b""), TIMEOUT),
            ("ask --timeout 3: keep-alive bytes after text", trickle(delta("so far")), TIMEOUT),
        ):
            answers["now"] = parts
            results[name] = run_ask(server.base_url, source, *extra)
            print(name, results[name], flush=True)
        with Tmux(WORK / "tmux", bench_env()) as tmux:
            answers["now"] = line
            name = "app: one 20 MB data line -> the error"
            # the error, or (a version without the limit) the line itself
            error_or_text = lambda s: "larger than" in s or "x" * 100 in s  # noqa: E731
            results[name] = run_app(tmux, server.base_url, source, error_or_text, "line")
            print(name, results[name], flush=True)
            answers["now"] = story
            name = "app: a 4 MB paragraph -> its last word"
            results[name] = run_app(
                tmux, server.base_url, source, lambda s: last_word in s, "story"
            )
            print(name, results[name], flush=True)
    rows = [("scenario", "exit", "shown s", "idle s", "app CPU s", "peak MB")]
    for name, result in results.items():
        rows.append((
            name, str(result.get("exit", "")), str(result["seconds"]),
            str(result.get("settled_s", "")), str(result.get("cpu_s", "")), str(result["peak_mb"]),
        ))  # fmt: skip
    print(table(rows))
    save("hostile", {"source": str(source), "results": results})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
