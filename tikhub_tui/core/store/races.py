"""Races in the store: which answers answered one prompt side by side, and how each did.

A race's answers are ordinary messages (siblings under one prompt, then each pane's own thread
of follow-ups), so listing, search, usage and export see them like any other; these tables add
what makes them a race: each pane's model and settings, the answer of each pane in each round
with the timings a message row does not hold, the rule in force and the winner.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from tikhub_tui.core.store.base import StoreBase, guarded
from tikhub_tui.core.store.records import NoSuchMessage, from_iso

if TYPE_CHECKING:
    from tikhub_tui.core.catalogue import Catalogue
    from tikhub_tui.core.judging.board import Leaderboard, StatsFilter

Rule = Literal["threads", "winner"]
"""What the next prompt of a race goes to: every pane, each with its own thread; or the
winner alone (the race went on as a chat)."""


@dataclass(frozen=True, slots=True)
class RacePaneRecord:
    """One pane of a race: its place, label, model and its own settings."""

    pane: int
    label: str
    model: str
    provider: str
    system: str | None = None
    """The pane's own system prompt (None: the session's)."""
    reasoning: str = ""
    """The pane's reasoning setting as written (`high`, `8000`), "" for the model's default."""


@dataclass(frozen=True, slots=True)
class RaceTimes:
    """What a message row does not keep of a race answer: seconds from the request to the
    first byte, the first reasoning and the first answer token; tokens per second of the
    answer and of the reasoning; the whole time; and how it ended, in the race's words."""

    first_byte: float | None = None
    to_reasoning: float | None = None
    to_answer: float | None = None
    answer_rate: float | None = None
    reasoning_rate: float | None = None
    elapsed: float | None = None
    ending: str = ""
    retried: bool = False
    """The answer replaced the pane's first of the round (a retry): its times run from it."""


@dataclass(frozen=True, slots=True)
class RaceAnswerRecord:
    """The answer of one pane in one round (the latest, when the pane was retried)."""

    pane: int
    round: int
    prompt_id: int | None
    answer_id: int | None
    times: RaceTimes = field(default_factory=RaceTimes)


@dataclass(frozen=True, slots=True)
class StoredRace:
    """A saved race with its panes and answers."""

    id: int
    session_id: str
    created_at: datetime
    rule: Rule
    winner: int | None
    panes: tuple[RacePaneRecord, ...]
    answers: tuple[RaceAnswerRecord, ...]

    @property
    def rounds(self) -> int:
        return max((a.round for a in self.answers), default=0)

    def answer(self, pane: int, round_: int) -> RaceAnswerRecord | None:
        return next((a for a in self.answers if (a.pane, a.round) == (pane, round_)), None)

    def message_ids(self) -> set[int]:
        """Every prompt and answer of the race."""
        ids = {a.prompt_id for a in self.answers} | {a.answer_id for a in self.answers}
        ids.discard(None)
        return ids  # type: ignore[return-value]


_TIMES = (
    "first_byte, to_reasoning, to_answer, answer_rate, reasoning_rate, elapsed, ending, retried"
)


def _times(row: Sequence[Any]) -> RaceTimes:
    """A row's `_TIMES` columns as the timings they are."""
    byte, reasoning, answer, answer_rate, reasoning_rate, elapsed, ending, retried = row
    return RaceTimes(
        byte, reasoning, answer, answer_rate, reasoning_rate, elapsed, ending, bool(retried)
    )


class RaceLedger(StoreBase):
    """The race tables: written as a race runs (from its worker threads), read to show,
    reopen and export it."""

    @guarded
    def create_race(self, session_id: str, panes: Sequence[RacePaneRecord]) -> int:
        """A new race in a session, with its panes; returns its id."""
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO races (session_id, created_at) VALUES (?, ?)",
                (session_id, self._now()),
            )
            race_id = int(cursor.lastrowid or 0)
            conn.executemany(
                "INSERT INTO race_panes (race_id, pane, label, model, provider, system, reasoning)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (race_id, p.pane, p.label, p.model, p.provider, p.system, p.reasoning)
                    for p in panes
                ],
            )
        return race_id

    @guarded
    def set_race_answer(
        self, race_id: int, pane: int, round_: int, prompt_id: int | None, answer_id: int | None
    ) -> None:
        """The answer of a pane in a round (a retry replaces it: the old answer stays in the
        session as a branch, the timings start over, and the row says it was retried)."""
        with self._write() as conn:
            conn.execute(
                "INSERT INTO race_rounds (race_id, pane, round, prompt_id, answer_id) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (race_id, pane, round) DO UPDATE SET "
                "prompt_id = excluded.prompt_id, answer_id = excluded.answer_id, "
                "first_byte = NULL, to_reasoning = NULL, to_answer = NULL, answer_rate = NULL, "
                "reasoning_rate = NULL, elapsed = NULL, ending = '', retried = 1",
                (race_id, pane, round_, prompt_id, answer_id),
            )

    @guarded
    def save_race_times(self, race_id: int, pane: int, round_: int, times: RaceTimes) -> None:
        """The timings of a pane's answer once it ended."""
        with self._write() as conn:
            conn.execute(
                "UPDATE race_rounds SET first_byte = ?, to_reasoning = ?, to_answer = ?, "
                "answer_rate = ?, reasoning_rate = ?, elapsed = ?, ending = ? "
                "WHERE race_id = ? AND pane = ? AND round = ?",
                (
                    times.first_byte,
                    times.to_reasoning,
                    times.to_answer,
                    times.answer_rate,
                    times.reasoning_rate,
                    times.elapsed,
                    times.ending,
                    race_id,
                    pane,
                    round_,
                ),
            )

    @guarded
    def choose_race_winner(self, race_id: int, pane: int, answer_id: int) -> None:
        """Mark the winner and make its answer the session's active path: the chat goes on
        from it, the other answers stay in the session as branches."""
        with self._write() as conn:
            row = conn.execute(
                "SELECT r.session_id FROM races r JOIN messages m ON m.session_id = r.session_id "
                "WHERE r.id = ? AND m.id = ?",
                (race_id, answer_id),
            ).fetchone()
            if row is None:
                raise NoSuchMessage(f"message {answer_id} is not in race {race_id}")
            conn.execute(
                "UPDATE races SET rule = 'winner', winner = ? WHERE id = ?", (pane, race_id)
            )
            conn.execute(
                "UPDATE sessions SET leaf_id = ?, updated_at = ? WHERE id = ?",
                (answer_id, self._now(), row[0]),
            )

    @guarded
    def races(self, session_id: str) -> list[StoredRace]:
        """The races of a session, oldest first."""
        found: list[StoredRace] = []
        for race_id, created, rule, winner in self._conn.execute(
            "SELECT id, created_at, rule, winner FROM races WHERE session_id = ? ORDER BY id",
            (session_id,),
        ).fetchall():
            panes = tuple(
                RacePaneRecord(*row)
                for row in self._conn.execute(
                    "SELECT pane, label, model, provider, system, reasoning FROM race_panes "
                    "WHERE race_id = ? ORDER BY pane",
                    (race_id,),
                )
            )
            answers = tuple(
                RaceAnswerRecord(row[0], row[1], row[2], row[3], _times(row[4:]))
                for row in self._conn.execute(
                    f"SELECT pane, round, prompt_id, answer_id, {_TIMES} FROM race_rounds "
                    "WHERE race_id = ? ORDER BY round, pane",
                    (race_id,),
                )
            )
            found.append(
                StoredRace(race_id, session_id, from_iso(created), rule, winner, panes, answers)
            )
        return found

    @guarded
    def race_leaderboard(
        self, catalogue: Catalogue, wanted: StatsFilter | None = None
    ) -> Leaderboard:
        """The leaderboard of the saved races (each round one race), priced with `catalogue`."""
        from tikhub_tui.core.store.race_stats import store_leaderboard  # loads the judging

        return store_leaderboard(self._conn, catalogue, wanted)
