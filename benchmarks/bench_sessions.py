"""The chat app with a big session store, measured from outside (issue goals: each < 300 ms).

A store of 1,000 sessions x 50 messages plus one session of 1,000 messages (built once by
bench_store.build and kept under benchmarks/results/) is opened by the real app in a private
tmux session (120x40), against the embedded gateway in its own process:
- start-up: launch -> the session list shown (the second session's title visible) -- the app
  also reopens the most recent session, the 1,000-message one, at start;
- opening the 1,000-message session from the list: Enter -> its newest message visible;
- search: Ctrl+F, type a word -> the result count on screen (includes the 100 ms debounce).

    python benchmarks/bench_sessions.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from bench_store import build
from bench_tui import SIZE, BenchError, Session, app_env
from common import RESULTS, gateway_process, save, table
from tmux_driver import Tmux

from tikhub_tui.core.store import Store

WORK = RESULTS / "sessions"
SESSIONS, PER_SESSION, LONG = 1000, 50, 1000
QUERY = "kubernetes"
GOAL = 0.3


def store_dir() -> tuple[Path, str, str, str]:
    """The data dir with the generated store; (dir, long session id, its last text, a title)."""
    data = WORK / "data"
    path = data / "sessions.db"
    if not path.exists():
        data.mkdir(parents=True, exist_ok=True)
        build(path, SESSIONS, PER_SESSION, LONG)
    with Store.open(path) as store:
        long_id = next(s.id for s in store.list_sessions(limit=2000) if s.title == "The long one")
        # the long session becomes the most recent: the app reopens it at start
        last = store.messages(long_id, limit=1)[0]
        store.add_message(long_id, "user", "and one more thing", model="m", provider="openai")
        store.set_leaf(long_id, last.id)
        newest = store.messages(long_id, limit=1)[0].text
        second = store.list_sessions(limit=2)[1].title
    return data, long_id, visible_part(newest), visible_part(second)


def visible_part(text: str) -> str:
    """A short piece of a text's first line that fits on screen whatever wraps."""
    return text.strip().splitlines()[0][:18].strip()


def one_run(tmux: Tmux, url: str, data: Path, newest: str, title: str) -> dict[str, float]:
    launched = time.perf_counter()
    app = Session(tmux, url, data)
    try:
        listed = app.wait(lambda screen: title in screen, 20, f"{title!r} in the list")
        app.wait(lambda screen: newest in screen, 20, "the long session's newest message")
        result = {"start_to_list_s": listed - launched}
        # a new, empty session, then the long one again from the list
        app.tmux.press(app.pane, "C-n")
        app.wait(lambda screen: newest not in screen, 10, "an empty conversation")
        app.tmux.press(app.pane, "C-o")  # the session list, the long session highlighted
        time.sleep(0.3)
        started = time.perf_counter()
        app.tmux.press(app.pane, "Enter")
        shown = app.wait(lambda screen: newest in screen, 20, "the reopened long session")
        result["open_long_session_s"] = shown - started
        app.tmux.press(app.pane, "C-f")
        app.wait(lambda screen: "Search sessions" in screen, 10, "the search screen")
        started = time.perf_counter()
        app.tmux.type_text(app.pane, QUERY)
        found = app.wait(lambda screen: " matches" in screen, 20, "search results")
        result["search_s"] = found - started
        return result
    finally:
        app.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    data, _, newest, title = store_dir()
    results: list[dict[str, float]] = []
    with gateway_process(tps=0) as url, Tmux(WORK, app_env()) as tmux:
        for index in range(runs):
            try:
                results.append(one_run(tmux, url, data, newest, title))
            except BenchError as error:
                print(f"run {index + 1} failed: {error}", file=sys.stderr)
                return 1
    rows = [("measure (median)", "value", "goal")]
    labels = {
        "start_to_list_s": "app start -> session list shown (1,000 sessions)",
        "open_long_session_s": "open a 1,000-message session from the list",
        "search_s": f"search {QUERY!r}: typed -> results shown",
    }
    summary = {}
    for key, label in labels.items():
        value = statistics.median(r[key] for r in results)
        summary[key] = value
        rows.append((label, f"{value * 1000:.0f} ms", f"< {GOAL * 1000:.0f} ms"))
    print(table(rows))
    path = save("sessions", {"runs": results, "median": summary, "size": SIZE})
    print(f"\n({runs} runs; raw numbers in {path})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
