"""The race measured from outside: six panes at once against one chat answer six times over.

The real app runs in a detached 200x50 session of a private tmux server (six panes are a 3x2
grid there) against the embedded gateway in its own process; its screen is read every 10 ms.
- drain: `race -m ... (six models)` opens the race screen; `tps: 0 lorem: 5000` is sent to all
  six; Enter -> `END 5000` visible in all six panes, and the CPU seconds of the app's process
  tree meanwhile. Against it: the chat app answering `tps: 0 lorem: 500N` six times in a row
  (N = 0..5, so each answer has its own last line), Enter -> END of each, summed.
- typing: six panes at 300 tokens/s each (`tps: 300 lorem: 5000`) while a short unique string
  is typed into the prompt every 0.8 s; the time until it is echoed on screen. For scale, the
  same with the chat app and one such stream, in the same run (the machine's load then).
- `race --json --no-save` with the six models against six `ask --no-save`, one per model, each
  timed whole (launch to exit): the race against the slowest single `ask`. At `tps: 300 lorem:
  1000` (paced as a fast model is), and at `tps: 0` (all six parsing as fast as they can, which
  on a small machine measures its cores).

    python benchmarks/bench_race.py [--runs 2] [--typing-only]
"""

from __future__ import annotations

import argparse
import shutil
import signal
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import bench_tui
import proctree
from bench_tui import FRAME, BenchError, Session, app_env, ms, yes
from common import BIN, RESULTS, gateway_process, save, table, timed
from tmux_driver import Tmux, TmuxError

SIZE = (200, 50)
MODELS = [
    "gpt-5",
    "gpt-5-mini",
    "claude-sonnet-4-5-20250929",
    "claude-haiku-4-5",
    "gemini-2.5-flash",
    "gemini-2.5-pro",
]
READY = "One prompt for every model"
DRAIN = ("tps: 0 lorem: 5000", "END 5000")
TYPING = ("tps: 300 lorem: 5000", "END 5000")
JSON_PROMPTS = {"tps 300": "tps: 300 lorem: 1000", "tps 0": "tps: 0 lorem: 5000"}
WORK = RESULTS / "race"


class RaceSession(Session):
    """One launch of the race screen with the six models, in the tmux server."""

    def __init__(self, tmux: Tmux, url: str, data_dir: Path) -> None:
        self.tmux = tmux
        argv = [str(BIN / "tikhub-tui"), "race", "--base-url", url]
        for model in MODELS:
            argv += ["-m", model]
        launched = time.perf_counter()
        env = {"TIKHUB_TUI_DATA_DIR": str(data_dir)}
        self.pane = tmux.launch(f"race-{data_dir.parent.name}-{data_dir.name}", argv, SIZE, env)
        self.pid = tmux.pane_pid(self.pane)
        first = self.wait(lambda screen: bool(screen.strip()), 20, "the first frame")
        ready = self.wait(lambda screen: READY in screen, 20, f"{READY!r} on screen")
        self.first_frame_s, self.ready_s = first - launched, ready - launched

    def until_all(self, prompt: str, marker: str) -> tuple[float, float]:
        """Seconds and app CPU seconds from Enter until `marker` shows in every pane."""
        started, ticks = self.submit(prompt)
        seen = self.wait(
            lambda screen: screen.count(marker) >= len(MODELS), 180, f"{marker!r} in six panes"
        )
        cpu = proctree.cpu_seconds_since(ticks, proctree.cpu_ticks(proctree.tree(self.pid)))
        return seen - started, cpu


@dataclass
class Run:
    """What one run measured."""

    race_s: float = 0.0
    race_cpu_s: float = 0.0
    chat_s: list[float] = field(default_factory=list)
    chat_cpu_s: list[float] = field(default_factory=list)
    typing_echo_s: list[float | None] = field(default_factory=list)
    chat_typing_echo_s: list[float | None] = field(default_factory=list)
    race_json_s: dict[str, float] = field(default_factory=dict)
    asks_s: dict[str, list[float]] = field(default_factory=dict)


def chat_six_times(tmux: Tmux, url: str, data_dir: Path, run: Run) -> None:
    session = Session(tmux, url, data_dir)
    try:
        for n in range(len(MODELS)):
            seconds, cpu = session.until_end(f"tps: 0 lorem: {5000 + n}", f"END {5000 + n}")
            run.chat_s.append(seconds)
            run.chat_cpu_s.append(cpu)
    finally:
        session.close()


def command_line(url: str, run: Run, data_dir: Path) -> None:
    env = app_env(TIKHUB_TUI_DATA_DIR=str(data_dir))
    for label, prompt in JSON_PROMPTS.items():
        racing = [str(BIN / "tikhub-tui"), "race", "--json", "--no-save", "--base-url", url]
        for model in MODELS:
            racing += ["-m", model]
        run.race_json_s[label], _ = timed([*racing, prompt], env)
        run.asks_s[label] = [
            timed(
                [str(BIN / "tikhub-tui"), "ask", "--no-save", "-m", model, "--base-url", url,
                 prompt],
                env,
            )[0]
            for model in MODELS
        ]  # fmt: skip


def one_run(tmux: Tmux, url: str, index: int, typing_only: bool) -> Run:
    run_dir = WORK / f"run{index}"
    run = Run()
    session = RaceSession(tmux, url, run_dir / "typing")
    try:
        run.typing_echo_s = session.typing(*TYPING)
    finally:
        session.close()
    chat = Session(tmux, url, run_dir / "chat-typing")  # one stream, the same load: for scale
    try:
        run.chat_typing_echo_s = chat.typing(*TYPING)
    finally:
        chat.close()
    if typing_only:
        return run
    session = RaceSession(tmux, url, run_dir / "drain")
    try:
        run.race_s, run.race_cpu_s = session.until_all(*DRAIN)
    finally:
        session.close()
    chat_six_times(tmux, url, run_dir / "chat", run)
    command_line(url, run, run_dir / "cli")
    return run


def measure(runs: int, typing_only: bool) -> list[Run]:
    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "config").mkdir(parents=True)
    (WORK / "config" / "config.toml").write_text("max_tokens = 100000\n")
    bench_tui.SIZE = SIZE  # the chat runs in the same terminal as the race
    bench_tui.WORK = WORK  # app_env's config dir: this benchmark's
    results: list[Run] = []
    with gateway_process(tps=0) as url, Tmux(WORK, app_env()) as tmux:
        for index in range(1, runs + 1):
            results.append(one_run(tmux, url, index, typing_only))
            print(f"run {index}/{runs} done", file=sys.stderr, flush=True)
    return results


def typing_rows(
    results: list[Run], rows: list[tuple[str, ...]], summary: dict[str, object]
) -> tuple[list[tuple[str, ...]], dict[str, object]]:
    """The typing echo's row: the median of each run's median probe."""
    med = statistics.median
    echoed = [[e for e in r.typing_echo_s if e is not None] for r in results]
    got = sum(len(e) for e in echoed)
    if got:
        echo = med(med(e) for e in echoed if e)
        worst = max(max(e) for e in echoed if e)
        rows.append((f"typing echo, six panes at tps 300 ({got} probes)", ms(echo),
                     f"<= {ms(FRAME)}", yes(echo <= FRAME)))  # fmt: skip
        rows.append(("typing echo, slowest probe", ms(worst), "", ""))
        summary["typing_echo_median_s"] = echo
        chat = [[e for e in r.chat_typing_echo_s if e is not None] for r in results]
        if any(chat):
            chat_echo = med(med(e) for e in chat if e)
            rows.append(("typing echo, one chat answer at tps 300 (for scale)", ms(chat_echo),
                         "", ""))  # fmt: skip
            summary["chat_typing_echo_median_s"] = chat_echo
    else:
        rows.append(("typing echo, six panes at tps 300", "no echo", f"<= {ms(FRAME)}", "no"))
    return rows, summary


def report(
    results: list[Run], typing_only: bool
) -> tuple[list[tuple[str, ...]], dict[str, object]]:
    med = statistics.median
    if typing_only:
        return typing_rows(results, [("measure (median)", "value", "goal", "met")], {})
    race_s, race_cpu = med(r.race_s for r in results), med(r.race_cpu_s for r in results)
    chat_s, chat_cpu = med(sum(r.chat_s) for r in results), med(sum(r.chat_cpu_s) for r in results)
    rows: list[tuple[str, ...]] = [
        ("measure (median)", "value", "goal", "met"),
        ("six panes, lorem 5000 at tps 0: Enter -> END in all six", ms(race_s), "", ""),
        ("chat, the same stream six times in a row (sum)", ms(chat_s), "", ""),
        ("race / six in a row (time)", f"{race_s / chat_s:.2f}x", "<= 1x", yes(race_s <= chat_s)),
        ("app CPU: race / six in a row", f"{race_cpu:.2f} s / {chat_cpu:.2f} s", "", ""),
    ]
    summary: dict[str, object] = {
        "race_s": race_s, "race_cpu_s": race_cpu, "chat_six_s": chat_s, "chat_six_cpu_s": chat_cpu
    }  # fmt: skip
    rows, summary = typing_rows(results, rows, summary)
    for label in JSON_PROMPTS:
        racing = med(r.race_json_s[label] for r in results)
        slowest = med(max(r.asks_s[label]) for r in results)
        ratio = racing / slowest
        goal = "<= 1.2x" if label == "tps 300" else ""
        met = yes(ratio <= 1.2) if goal else ""
        rows += [
            (f"race --json, six models, {label}", ms(racing), "", ""),
            (f"slowest of six single asks, {label}", ms(slowest), "", ""),
            (f"race --json / slowest ask, {label}", f"{ratio:.2f}x", goal, met),
        ]
        summary[f"json {label}"] = {"race_s": racing, "slowest_ask_s": slowest, "ratio": ratio}
    return rows, summary


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=2, help="runs to take the median of")
    parser.add_argument("--typing-only", action="store_true", help="measure the typing echo only")
    args = parser.parse_args()
    runs, typing_only = args.runs, args.typing_only
    if runs < 1:
        parser.error("--runs must be at least 1")
    if not (BIN / "tikhub-tui").exists():
        parser.error(f"no tikhub-tui next to {sys.executable}: run it with the venv's python")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwinds, so everything is stopped
    try:
        results = measure(runs, typing_only)
    except (BenchError, TmuxError, RuntimeError, OSError) as error:
        print(f"bench_race: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench_race: interrupted; the app, tmux and the gateway are stopped", file=sys.stderr)
        return 130
    rows, summary = report(results, typing_only)
    print(table(rows))
    save("race", {"summary": summary, "runs": [asdict(r) for r in results]})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
