"""Leaderboard benchmark: `race stats` over 10,000 stored races, reading them from SQLite.

Builds a store of synthetic races (2-6 answers each, with the metrics a race saves, votes on
most of them, blind and sighted), then times what the stats command and screen do: open the
file, read every answer and vote, rate and aggregate, format the table and the JSON. Two
layouts of the same rows: `narrow` (the answers' metrics in a table of their own) and `wide`
(metrics after the answer's text in one table, read through a view, as a race kept among the
session's messages would be; with and without a covering index on the metrics).
Goal: under 300 ms. Run: `python benchmarks/bench_race_stats.py [--races N] [--runs N]`.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tikhub_tui.core.catalogue import built_in
from tikhub_tui.core.judging.stats_words import table_lines, to_json
from tikhub_tui.core.store.race_stats import CONTRACT, store_leaderboard

GOAL_MS = 300.0
SEED = 20261204
COLUMNS = (
    "race_id, created_at, pane, model, provider, ttft, duration, input_tokens, output_tokens, "
    "reasoning_tokens, cache_read_tokens, cache_write_tokens, usage_estimated, status"
)
WIDE = f"""
CREATE TABLE answers (
    id INTEGER PRIMARY KEY, race_id TEXT NOT NULL, created_at TEXT NOT NULL, pane INTEGER NOT NULL,
    text TEXT NOT NULL, reasoning TEXT NOT NULL, model TEXT NOT NULL, provider TEXT NOT NULL,
    ttft REAL, duration REAL, input_tokens INTEGER, output_tokens INTEGER, reasoning_tokens INTEGER,
    cache_read_tokens INTEGER, cache_write_tokens INTEGER, usage_estimated INTEGER NOT NULL,
    status TEXT NOT NULL
);
CREATE VIEW race_answers AS SELECT {COLUMNS} FROM answers;
CREATE TABLE race_votes (race_id TEXT NOT NULL, blind INTEGER NOT NULL, vote TEXT NOT NULL);
CREATE INDEX race_votes_race ON race_votes(race_id);
"""
INDEXES = [  # the contract's indexes, on the table under the view
    "CREATE INDEX answers_metrics ON answers(model, created_at, race_id, status, provider, "
    "ttft, duration, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens)",
    "CREATE INDEX answers_race ON answers(race_id, pane, model, created_at)",
]


def _rows(
    races: int, rng: random.Random
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    catalogue = built_in()
    models = [(name, info.provider) for name, info in catalogue.models.items()]
    models.append(("my-local-model", "openai"))  # one without a price
    start = datetime(2025, 1, 1, tzinfo=UTC)
    answers, votes = [], []
    for number in range(races):
        race_id = f"race{number:06d}"
        at = (start + timedelta(minutes=50 * number)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        panes = rng.choices([2, 3, 4, 5, 6], weights=[40, 30, 15, 10, 5])[0]
        for pane, (model, provider) in enumerate(rng.sample(models, panes)):
            ttft = rng.lognormvariate(-0.3, 0.6)
            failed = rng.random() < 0.03
            out = None if failed else int(rng.lognormvariate(6.5, 0.7))
            duration = ttft + (out or 0) / rng.uniform(30, 250)
            status = "error" if failed else rng.choice(["complete"] * 20 + ["stopped"])
            answers.append(
                (race_id, at, pane, model, provider, None if failed else ttft, duration,
                 int(rng.lognormvariate(6, 1)), out, None, None, None, 0, status)
            )  # fmt: skip
        roll = rng.random()
        if roll < 0.8:
            blind = int(rng.random() < 0.9)
            kind = rng.random()
            if kind < 0.1:
                vote = "tie"
            elif kind < 0.15:
                vote = "bad"
            else:
                order = rng.sample(range(panes), rng.randint(1, panes - 1))
                vote = "pick:" + ",".join(map(str, order))
            votes.append((race_id, blind, vote))
    return answers, votes


def build(path: Path, races: int, shape: str) -> None:
    rng = random.Random(SEED)
    answers, votes = _rows(races, rng)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    if shape == "narrow":
        conn.executescript(CONTRACT)
        conn.executemany(
            f"INSERT INTO race_answers ({COLUMNS}) VALUES ({', '.join('?' * 14)})", answers
        )
    else:
        conn.executescript(WIDE)
        text = "lorem ipsum dolor sit amet " * 200  # about 5 KB per answer, as chat answers go
        conn.executemany(
            "INSERT INTO answers (race_id, created_at, pane, text, reasoning, model, provider, "
            "ttft, duration, input_tokens, output_tokens, reasoning_tokens, cache_read_tokens, "
            f"cache_write_tokens, usage_estimated, status) VALUES ({', '.join('?' * 16)})",
            [(*row[:3], text[: rng.randint(500, len(text))], "", *row[3:]) for row in answers],
        )
        if shape == "wide+index":
            for index in INDEXES:
                conn.execute(index)
    conn.executemany("INSERT INTO race_votes VALUES (?, ?, ?)", votes)
    conn.commit()
    conn.close()


def stats_once(path: Path) -> tuple[float, float, int, int]:
    """Open, read, rate, format: wall and CPU milliseconds, races and models."""
    began, cpu = time.perf_counter(), time.process_time()
    conn = sqlite3.connect(path)
    board = store_leaderboard(conn, built_in())
    json.dumps(to_json(board))
    table_lines(board, width=120)
    conn.close()
    wall, cpu = time.perf_counter() - began, time.process_time() - cpu
    return wall * 1000, cpu * 1000, board.races, len(board.rows)


def reference_ms() -> float:
    """CPU milliseconds of a fixed pure-Python loop: how fast this machine runs right now (on a
    shared machine the other results scale with it)."""
    began = time.process_time()
    total = 0
    for number in range(1_000_000):
        total += number
    return (time.process_time() - began) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--races", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    built_in()  # the catalogue is read once per process, as the command would
    ok = True
    print(f"{args.races:,} races; median of {args.runs} runs (open, read, rate, table, JSON)")
    print(f"reference loop (1,000,000 additions): {reference_ms():.0f} ms of CPU")
    print(f"{'layout':<12} {'median':>8} {'slowest':>8} {'CPU':>8}  goal < {GOAL_MS:.0f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        for shape in ("narrow", "wide+index", "wide"):
            path = Path(tmp) / f"{shape}.db"
            build(path, args.races, shape)
            times, cpus = [], []
            for _ in range(args.runs):
                elapsed, cpu, races, models = stats_once(path)
                times.append(elapsed)
                cpus.append(cpu)
            assert races == args.races, races
            median = statistics.median(times)
            ok &= shape == "wide" or median < GOAL_MS
            print(
                f"{shape:<12} {median:>6.0f} ms {max(times):>6.0f} ms "
                f"{statistics.median(cpus):>5.0f} ms  ({models} models)"
            )
    print(f"reference loop again: {reference_ms():.0f} ms of CPU")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
