"""Seeding the store with races for the leaderboard's tests: answers with their figures, votes.

Written through the relations the leaderboard reads (race_stats.CONTRACT), so a test says only
what a race was: who answered, how fast, what it cost, how the user voted.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from tikhub_tui.core.judging.votes import Vote
from tikhub_tui.core.store import Store
from tikhub_tui.core.store.race_stats import CONTRACT
from tikhub_tui.core.store.records import to_iso


@dataclass(frozen=True)
class Seat:
    """One answer of a seeded race."""

    model: str
    provider: str
    ttft: float | None = 0.5
    duration: float | None = 2.5
    input_tokens: int | None = 1000
    output_tokens: int | None = 400
    status: str = "complete"


@dataclass(frozen=True)
class SeedRace:
    at: datetime
    seats: tuple[Seat, ...]
    votes: tuple[Vote, ...] = ()


def seed(races: list[SeedRace]) -> None:
    """Write `races` into the default store (ids 1, 2, … in order)."""
    with Store.open() as store:
        path = store.path
    conn = sqlite3.connect(path)
    with conn:
        if conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'race_answers'").fetchone()[0] == 0:
            conn.executescript(CONTRACT.split("CREATE TABLE race_votes")[0])
        for number, race in enumerate(races, 1):
            for pane, seat in enumerate(race.seats):
                conn.execute(
                    "INSERT INTO race_answers (race_id, created_at, pane, model, provider, ttft, "
                    "duration, input_tokens, output_tokens, status) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (number, to_iso(race.at), pane, seat.model, seat.provider, seat.ttft,
                     seat.duration, seat.input_tokens, seat.output_tokens, seat.status),
                )
            for vote in race.votes:
                conn.execute("INSERT INTO race_votes VALUES (?, ?, ?)", (number, int(vote.blind), vote.encode()))
    conn.close()  # the last connection checkpoints the log into the file
