"""Session store benchmark: list, search and open a long session in a store of realistic size.

Builds 1,000 sessions x 50 messages (plus one 1,000-message session) with chat-like text
lengths, then times what the app does at start and while the user searches. Goal: every
operation under 300 ms. Run: `python benchmarks/bench_store.py [--sessions N] [--keep DIR]`.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tikhub_tui.core.store import Store

GOAL_MS = 300.0
SEED = 20250301
_COMMON_WORDS = """the a to of and in is it you that for with on this be as can are use your
function value data file error python code example return list string model request using time"""
_TOPIC_WORDS = """sqlite kubernetes rust asyncio terraform postgres react docker nginx pandas
numpy regex unicode websocket oauth redis graphql tokio django fastapi textual markdown"""
COMMON = _COMMON_WORDS.split()
TOPICS = _TOPIC_WORDS.split()
CJK = ["今天天气很好", "数据库的索引", "东京は暑いです", "검색", "엔진", "🎉", "✅"]
"""Phrases without spaces (and emoji) that substring search finds a part of."""


def _vocabulary(rng: random.Random, size: int = 3000) -> list[str]:
    syllables = [
        "ka",
        "lo",
        "mi",
        "ne",
        "ru",
        "sa",
        "ti",
        "vo",
        "ze",
        "pra",
        "ish",
        "ent",
        "ion",
        "ar",
        "el",
        "or",
        "un",
        "ex",
        "con",
        "ser",
    ]
    return ["".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(size)]


def _text(rng: random.Random, words: list[str], chars: int) -> str:
    out: list[str] = []
    length = 0
    while length < chars:
        pick = rng.random()
        word = rng.choice(
            COMMON if pick < 0.55 else TOPICS if pick < 0.6 else CJK if pick < 0.605 else words
        )
        if rng.random() < 0.02:
            word += ".\n\n" if rng.random() < 0.5 else ".\n```python\nprint('x')\n```\n"
        out.append(word)
        length += len(word) + 1
    return " ".join(out)


def _session(rng: random.Random, words: list[str], count: int, start: datetime) -> dict[str, Any]:
    messages = []
    for index in range(count):
        user = index % 2 == 0
        chars = int(rng.lognormvariate(5.0, 0.8)) if user else int(rng.lognormvariate(7.2, 0.6))
        messages.append(
            {
                "role": "user" if user else "assistant",
                "text": _text(rng, words, max(10, min(chars, 12_000))),
                "model": ""
                if user
                else rng.choice(["gpt-4o", "claude-sonnet-4", "gemini-2.5-pro"]),
                "provider": "" if user else "openai",
                "status": "complete",
                "usage": {"input_tokens": 100, "output_tokens": 300, "reasoning_tokens": None},
                "created_at": (start + timedelta(seconds=index * 20)).isoformat(),
            }
        )
    return {"title": "", "created_at": start.isoformat(), "messages": messages}


def build(path: Path, sessions: int, per_session: int, long_session: int) -> tuple[str, float]:
    """Fill a new store; returns the id of the long session and the seconds it took."""
    rng = random.Random(SEED)
    words = _vocabulary(rng)
    began = time.perf_counter()
    base = datetime(2024, 1, 1, tzinfo=UTC)
    with Store.open(path) as store:
        for number in range(sessions):
            data = _session(rng, words, per_session, base + timedelta(hours=number))
            data["title"] = data["messages"][0]["text"][:50]
            store.import_json(data)
        long_id = store.import_json(_session(rng, words, long_session, base))
        store.rename_session(long_id, "The long one")
        size = path.stat().st_size
    print(
        f"built {sessions} x {per_session} messages + 1 x {long_session} in "
        f"{time.perf_counter() - began:.1f} s ({size / 1e6:.0f} MB)"
    )
    return long_id, time.perf_counter() - began


def _median_ms(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def measure(path: Path, long_id: str) -> list[tuple[str, float]]:
    """Time each operation (median of several runs) and return (name, ms) rows."""
    rows: list[tuple[str, float]] = []
    began = time.perf_counter()
    store = Store.open(path)
    store.list_sessions(limit=200)
    rows.append(
        ("open store + list 200 sessions (first time)", (time.perf_counter() - began) * 1000)
    )
    rows.append(("list 200 sessions", _median_ms(lambda: store.list_sessions(limit=200), 20)))
    queries = [
        "function",
        "sqlite",
        "kubernetes asyncio",
        "websock",
        "python error value",
        _vocabulary(random.Random(SEED))[123],
        "zzzzzz",
        "a",  # first keystrokes of a live search
        "th",
        "天气",  # two characters of text without spaces: read in the text itself
        "数据库",  # three or more: the trigram index
        "🎉",
        "sqlite 索引",  # a word and a substring
        "雪崩",  # a rare short substring: the whole text is read
    ]
    timings = []
    for query in queries:
        ms = _median_ms(lambda q=query: store.search(q, limit=50), 5)  # type: ignore[misc]
        hits = len(store.search(query, limit=50))
        rows.append((f"search {query!r} ({hits} hits)", ms))
        timings.append(ms)
    rows.append(("search, median over the queries", statistics.median(timings)))
    newest = store.messages(long_id, limit=40)
    rows.append(
        (
            "open 1,000-message session: newest 40",
            _median_ms(lambda: store.messages(long_id, limit=40), 10),
        )
    )
    rows.append(
        (
            "  then 40 older (scrolling up)",
            _median_ms(lambda: store.messages(long_id, limit=40, before_id=newest[0].id), 10),
        )
    )
    rows.append(("  all 1,000 messages", _median_ms(lambda: store.messages(long_id), 5)))
    rows.append(
        ("export 1,000-message session as JSON", _median_ms(lambda: store.export_json(long_id), 3))
    )
    store.close()
    command = [sys.executable, "-m", "tikhub_tui", "sessions", "list", "--limit", "200"]
    env = {**os.environ, "TIKHUB_TUI_DATA_DIR": str(path.parent)}
    began = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    rows.append(("`tikhub-tui sessions list` process, wall", (time.perf_counter() - began) * 1000))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=50, help="messages per session")
    parser.add_argument("--long", type=int, default=1000, help="messages in the long session")
    parser.add_argument("--keep", type=Path, help="build in DIR and keep it (reused if there)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        path = folder / "sessions.db"
        if path.exists():
            with Store.open(path) as store:
                long_id = next(
                    s.id for s in store.list_sessions(limit=10_000) if s.title == "The long one"
                )
        else:
            long_id, _ = build(path, args.sessions, args.messages, args.long)
        rows = measure(path, long_id)
    width = max(len(name) for name, _ in rows)
    print(f"\n{'operation'.ljust(width)}  {'ms':>8}  goal {GOAL_MS:.0f} ms")
    for name, ms in rows:
        print(f"{name.ljust(width)}  {ms:8.1f}  {'ok' if ms < GOAL_MS else 'SLOW'}")
    return 0 if all(ms < GOAL_MS for _, ms in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
