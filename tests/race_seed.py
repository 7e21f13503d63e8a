"""Seeding the store with races for the leaderboard's tests: answers with their figures, votes.

Written through the store's own race calls (a session, its prompt and answers, the race's
panes, each answer's timings, the votes), as a race in the app writes them, so a test says
only what a race was: who answered, how fast, what it cost, how the user voted.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from tikhub_tui.core.judging.votes import Vote
from tikhub_tui.core.model import Usage
from tikhub_tui.core.store import Store
from tikhub_tui.core.store.races import RacePaneRecord, RaceTimes
from tikhub_tui.core.store.records import to_iso

ROUND = 1
"""Every seeded race has one round (the race's first is 1)."""


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
    """Write `races` into the default store (ids 1, 2, … in order, in a fresh store)."""
    times: list[tuple[str, int]] = []
    with Store.open() as store:
        path = store.path
        for number, race in enumerate(races, 1):
            session = store.create_session(title=f"Race {number}")
            prompt = store.add_message(session, "user", f"question {number}")
            panes = [
                RacePaneRecord(pane, chr(ord("A") + pane), seat.model, seat.provider)
                for pane, seat in enumerate(race.seats)
            ]
            race_id = store.create_race(session, panes)
            for pane, seat in enumerate(race.seats):
                answer = store.add_message(
                    session, "assistant", f"answer {pane}", parent_id=prompt, model=seat.model,
                    provider=seat.provider, usage=Usage(seat.input_tokens, seat.output_tokens),
                    status=seat.status,
                )  # fmt: skip
                store.set_race_answer(race_id, pane, ROUND, prompt, answer)
                store.save_race_times(
                    race_id, pane, ROUND, RaceTimes(to_answer=seat.ttft, elapsed=seat.duration)
                )
            for vote in race.votes:
                store.add_vote(race_id, ROUND, vote)
            times.append((to_iso(race.at), race_id))
    conn = sqlite3.connect(path)
    with conn:  # when each race was run
        conn.executemany("UPDATE races SET created_at = ? WHERE id = ?", times)
    conn.close()  # the last connection checkpoints the log into the file
