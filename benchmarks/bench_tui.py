"""The chat app measured from outside: start-up, whole long answers against `ask`, typing.

The real app runs in a detached 120x40 session of a private tmux server against the embedded
gateway in its own process (`--tps 0`); its screen is read every 10 ms. Each run launches the
app four times, each with a fresh data dir (so no earlier answer is on screen):
- start-up: launch -> first frame (anything on screen) and -> ready ("Ask anything" visible);
- `tps: 0 lorem: 20000` and `tps: 0 code: 2000`: Enter -> the last line (`END N`) visible, and
  the CPU seconds of the app's process tree meanwhile (/proc, reaped children included); each is
  followed by `tikhub-tui ask` draining the same prompt (whole process, launch to exit): the floor;
- typing: a stream at 300 tokens/s (a fast model) and one at 2000 tokens/s run while a short
  unique string is typed into the prompt every 0.8 s; the time until it is echoed on screen
  (probes only count while the stream runs).
One frame is 1/30 s, the rate at which the app takes in streamed text.

    python benchmarks/bench_tui.py [--runs 3]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import signal
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import proctree
from bench_ask import MODEL
from common import BIN, RESULTS, bench_env, gateway_process, save, table, timed
from tmux_driver import Tmux, TmuxError

SIZE = (120, 40)
POLL = 0.01
PROBE_POLL = 0.003
READY = "Ask anything"
STREAMS = {
    "lorem 20000": ("tps: 0 lorem: 20000", "END 20000"),
    "code 2000": ("tps: 0 code: 2000", "END 2000"),
}
TYPING = {
    "tps 300": ("tps: 300 lorem: 5000", "END 5000"),  # a fast model
    "tps 2000": ("tps: 2000 lorem: 20000", "END 20000"),  # far faster than any model
}
PROBES, PROBE_START, PROBE_INTERVAL, PROBE_TIMEOUT = 10, 0.5, 0.8, 5.0
FRAME = 1 / 30
STALL = 10.0
WORK = RESULTS / "tui"


class BenchError(RuntimeError):
    """A measurement could not be taken (the app exited, or a screen never came)."""


class Session:
    """One launch of the app in the tmux server, with its screen and process tree."""

    def __init__(self, tmux: Tmux, url: str, data_dir: Path) -> None:
        self.tmux = tmux
        argv = [str(BIN / "tikhub-tui"), "--base-url", url, "-m", MODEL]
        env = {"TIKHUB_TUI_DATA_DIR": str(data_dir)}
        launched = time.perf_counter()
        self.pane = tmux.launch(f"app-{data_dir.parent.name}-{data_dir.name}", argv, SIZE, env)
        self.pid = tmux.pane_pid(self.pane)
        first = self.wait(lambda screen: bool(screen.strip()), 20, "the first frame")
        ready = self.wait(lambda screen: READY in screen, 20, f"{READY!r} on screen")
        self.first_frame_s, self.ready_s = first - launched, ready - launched

    def wait(self, done: Callable[[str], bool], timeout: float, what: str) -> float:
        """Poll the screen until `done(screen)`; the time it was first seen.

        Gives up after `timeout` seconds, or after STALL seconds of a screen that stands still
        (an error in the transcript, a gateway gone), showing the last screen."""
        deadline = time.perf_counter() + timeout
        next_check, last, changed = 0.0, "", time.perf_counter()
        while True:
            screen = self.tmux.capture(self.pane)
            now = time.perf_counter()
            if done(screen):
                return now
            if screen != last:
                last, changed = screen, now
            if now > next_check:
                self.check_alive(screen)
                next_check = now + 0.25
            if now > deadline or now - changed > STALL:
                waited = (
                    f"{timeout:.0f} s" if now > deadline else f"{STALL:.0f} s of a still screen"
                )
                raise BenchError(f"no {what} after {waited}; last screen:\n{tail(screen)}")
            time.sleep(POLL)

    def check_alive(self, screen: str) -> None:
        ended = self.tmux.dead(self.pane)
        if ended:
            raise BenchError(f"the app exited ({ended}); last screen:\n{tail(screen)}")

    def submit(self, prompt: str) -> tuple[float, dict[int, int]]:
        """Type the prompt, wait for its echo, press Enter; the time and CPU ticks at Enter."""
        time.sleep(0.5)  # let start-up work finish before the clock starts
        self.tmux.type_text(self.pane, prompt)
        self.wait(lambda screen: prompt in screen, 10, "prompt echo")
        time.sleep(0.2)
        ticks = proctree.cpu_ticks(proctree.tree(self.pid))
        started = time.perf_counter()
        self.tmux.press(self.pane, "Enter")
        return started, ticks

    def until_end(self, prompt: str, marker: str) -> tuple[float, float]:
        """Seconds and app CPU seconds from Enter until `marker` is on screen."""
        started, ticks = self.submit(prompt)
        seen = self.wait(lambda screen: marker in screen, 120, f"{marker!r} on screen")
        cpu = proctree.cpu_seconds_since(ticks, proctree.cpu_ticks(proctree.tree(self.pid)))
        return seen - started, cpu

    def typing(self, prompt: str, marker: str) -> list[float | None]:
        """Echo times of typed probes while the stream runs (None: not echoed in time)."""
        started, _ = self.submit(prompt)
        echoes: list[float | None] = []
        pending: tuple[str, float] | None = None
        next_probe = started + PROBE_START
        while len(echoes) < PROBES:
            screen = self.tmux.capture(self.pane)
            now = time.perf_counter()
            if pending is not None:
                text, sent = pending
                if text in screen or now - sent > PROBE_TIMEOUT:
                    echoes.append(now - sent if text in screen else None)
                    pending, next_probe = None, now + PROBE_INTERVAL
            if marker in screen:
                break  # the stream is over: later probes would not measure typing during it
            if pending is None and now >= next_probe:
                text = f"Qz{len(echoes):02d}"
                pending = (text, time.perf_counter())
                self.tmux.type_text(self.pane, text)
            time.sleep(PROBE_POLL if pending else POLL)
        return echoes

    def close(self) -> None:
        self.tmux.kill_session(self.pane)


def tail(screen: str) -> str:
    return "\n".join(line.rstrip() for line in screen.splitlines() if line.strip())[-1200:]


def ask(url: str, prompt: str, marker: str, data_dir: Path) -> tuple[float, float]:
    """`tikhub-tui ask` draining the prompt: whole-process seconds and its CPU seconds."""
    command = [str(BIN / "tikhub-tui"), "ask", "-m", MODEL, "--max-tokens", "100000"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds, out = timed(
        [*command, "--base-url", url, prompt], app_env(TIKHUB_TUI_DATA_DIR=str(data_dir))
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.rstrip().splitlines()[-1:] != [marker]:
        raise BenchError(f"`tikhub-tui ask {prompt!r}` did not end with {marker!r}")
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def app_env(**extra: str) -> dict[str, str]:
    """bench_env with this benchmark's config dir, a truecolor terminal and no outer tmux."""
    env = bench_env(TIKHUB_TUI_CONFIG_DIR=str(WORK / "config"), COLORTERM="truecolor", **extra)
    for name in ("TMUX", "TMUX_PANE"):
        env.pop(name, None)
    return env


@dataclass
class StreamRun:
    """One stream in one run: the app and the `ask` floor."""

    app_s: float
    app_cpu_s: float
    ask_s: float
    ask_cpu_s: float


@dataclass
class Run:
    """Everything one run measured."""

    first_frame_s: list[float] = field(default_factory=list)
    ready_s: list[float] = field(default_factory=list)
    streams: dict[str, StreamRun] = field(default_factory=dict)
    typing_echo_s: dict[str, list[float | None]] = field(default_factory=dict)


def one_run(tmux: Tmux, url: str, index: int) -> Run:
    """Launch the app for each stream and for typing, and run `ask` after each stream."""
    run_dir = WORK / f"run{index}"
    run = Run()
    for label, (prompt, marker) in STREAMS.items():
        slug = label.replace(" ", "-")
        session = Session(tmux, url, run_dir / slug)
        try:
            app_s, cpu_s = session.until_end(prompt, marker)
        finally:
            session.close()
        ask_s, ask_cpu_s = ask(url, prompt, marker, run_dir / f"ask-{slug}")
        run.streams[label] = StreamRun(app_s, cpu_s, ask_s, ask_cpu_s)
        run.first_frame_s.append(session.first_frame_s)
        run.ready_s.append(session.ready_s)
    for label, (prompt, marker) in TYPING.items():
        session = Session(tmux, url, run_dir / f"typing-{label.replace(' ', '-')}")
        try:
            run.typing_echo_s[label] = session.typing(prompt, marker)
        finally:
            session.close()
        run.first_frame_s.append(session.first_frame_s)
        run.ready_s.append(session.ready_s)
    return run


def measure(runs: int) -> list[Run]:
    """All runs against one gateway and one tmux server, both stopped at the end."""
    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "config").mkdir(parents=True)
    (WORK / "config" / "config.toml").write_text("max_tokens = 100000\n")
    results: list[Run] = []
    with gateway_process(tps=0) as url, Tmux(WORK, app_env()) as tmux:
        for index in range(1, runs + 1):
            results.append(one_run(tmux, url, index))
            print(f"run {index}/{runs} done", file=sys.stderr, flush=True)
    return results


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def report(results: list[Run]) -> tuple[list[tuple[str, ...]], dict[str, object]]:
    """The table rows (measure, value, goal, met) and the medians they show."""
    first = statistics.median(v for run in results for v in run.first_frame_s)
    ready = statistics.median(v for run in results for v in run.ready_s)
    summary: dict[str, object] = {"first_frame_s": first, "ready_s": ready}
    rows: list[tuple[str, ...]] = [
        ("measure (median)", "value", "goal", "met"),
        ("start-up: launch -> first frame", ms(first), "< 500 ms", yes(first < 0.5)),
        (f"start-up: launch -> ready ({READY!r} visible)", ms(ready), "", ""),
    ]
    for label in STREAMS:
        app_s = statistics.median(run.streams[label].app_s for run in results)
        ask_s = statistics.median(run.streams[label].ask_s for run in results)
        cpu = statistics.median(run.streams[label].app_cpu_s for run in results)
        ask_cpu = statistics.median(run.streams[label].ask_cpu_s for run in results)
        ratio = app_s / ask_s
        rows += [
            (f"{label}: Enter -> END visible in the app", ms(app_s), "", ""),
            (f"{label}: tikhub-tui ask, launch -> exit", ms(ask_s), "", ""),
            (f"{label}: app / ask", f"{ratio:.2f}x", "<= 3x", yes(ratio <= 3)),
            (f"{label}: app CPU, Enter -> END (ask: {ask_cpu:.2f} s)", f"{cpu:.2f} s", "", ""),
        ]
        summary[label] = {"app_s": app_s, "ask_s": ask_s, "ratio": ratio, "app_cpu_s": cpu}
    goal = f"<= {ms(FRAME)}"
    for label in TYPING:
        echoed = [[e for e in run.typing_echo_s[label] if e is not None] for run in results]
        probes = PROBES * len(results)
        got = sum(len(echoes) for echoes in echoed)
        if not got:
            rows.append((f"typing echo at {label}", "no echo", goal, "no"))
            continue
        median = statistics.median(statistics.median(echoes) for echoes in echoed if echoes)
        worst = max(max(echoes) for echoes in echoed if echoes)
        rows += [
            (
                f"typing echo at {label} ({got} of {probes} probes echoed)",
                ms(median),
                goal,
                yes(median <= FRAME),
            ),
            (f"typing echo at {label}, slowest probe", ms(worst), "", ""),
        ]
        summary[f"typing {label}"] = {"echo_median_s": median, "echo_max_s": worst}
    return rows, summary


def yes(met: bool) -> str:
    return "yes" if met else "no"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs to take the median of")
    runs = parser.parse_args().runs
    if runs < 1:
        parser.error("--runs must be at least 1")
    if not (BIN / "tikhub-tui").exists():
        parser.error(f"no tikhub-tui next to {sys.executable}: run it with the venv's python")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwinds, so everything is stopped
    try:
        results = measure(runs)
    except (BenchError, TmuxError, RuntimeError, OSError) as error:
        print(f"bench_tui: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench_tui: interrupted; the app, tmux and the gateway are stopped", file=sys.stderr)
        return 130
    rows, summary = report(results)
    print(table(rows))
    raw = [asdict(run) for run in results]
    path = save("tui", {"runs": runs, "model": MODEL, "summary": summary, "raw": raw})
    print(f"\n({runs} runs, each value the median; raw numbers in {path})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
