"""Judging in the store: the votes cast on a race and the judge's replies, kept with the race.

Votes go into `race_votes` (the relation the leaderboard reads, see race_stats.CONTRACT), one
row per vote on a round of a race, with its blindness; a judge's reply goes into
`race_judgements` with its figures and which pane each "Answer N" was, so a verdict can be read
back and adopted later. Neither touches the race's session: its messages are the race's own
answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, cast

from tikhub_tui.core.judging.votes import MAX_PANES, Vote
from tikhub_tui.core.model import Usage
from tikhub_tui.core.store.base import StoreBase, guarded
from tikhub_tui.core.store.records import STATUSES, from_iso
from tikhub_tui.core.store.text import writable

if TYPE_CHECKING:  # loaded by the methods that use them: `ask` saving an answer needs none
    from tikhub_tui.core.catalogue import Catalogue
    from tikhub_tui.core.judging.board import Leaderboard, StatsFilter
    from tikhub_tui.core.judging.judge import JudgeMode


@dataclass(frozen=True, slots=True)
class Judgement:
    """A judge's reply to one round of a race, and its figures."""

    mode: JudgeMode
    model: str
    provider: str
    order: tuple[int, ...]
    """`order[k]` is the pane shown to the judge as Answer k+1."""
    text: str
    status: str
    round: int = 1
    reasoning: str = ""
    finish_reason: str = ""
    error: str = ""
    usage: Usage = field(default_factory=Usage)
    ttft: float | None = None
    duration: float | None = None
    adopted: bool = False
    """The user made its verdict their vote."""
    id: int | None = None
    created_at: datetime | None = None


def vote_key(race_id: int, round_: int) -> str:
    """How `race_votes` names a round of a race: `<race id>.<round>`, as `race_answers` does
    (each round is one race on the leaderboard: its panes answered one prompt)."""
    return f"{race_id}.{round_}"


_COLUMNS = (
    "round, mode, model, provider, answer_order, text, reasoning, status, finish_reason, error, "
    "input_tokens, output_tokens, reasoning_tokens, cache_read_tokens, cache_write_tokens, "
    "usage_estimated, ttft, duration, adopted"
)


def _order(text: object) -> tuple[int, ...]:
    """The panes of `answer_order` ("2,0,1"); () for anything else (the store is hostile)."""
    if not isinstance(text, str) or len(text) > 2 * MAX_PANES:
        return ()
    parts = text.split(",")
    if not all(part.isascii() and part.isdigit() and len(part) == 1 for part in parts):
        return ()
    order = tuple(int(part) for part in parts)
    return order if len(set(order)) == len(order) and max(order) < MAX_PANES else ()


def _count(value: object) -> int | None:
    return value if isinstance(value, int) and 0 <= value < 1 << 53 else None


def _seconds(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and 0 <= value < 1e9 else None


def _judgement(row: Sequence[object]) -> Judgement:
    from tikhub_tui.core.judging.judge import MODES

    mode: JudgeMode = "score"
    for known in MODES:
        mode = known if row[3] == known else mode
    status = row[9] if row[9] in STATUSES else "error"
    return Judgement(
        mode=mode,
        model=str(row[4]),
        provider=str(row[5]),
        order=_order(row[6]),
        text=str(row[7]),
        status=str(status),
        round=_count(row[2]) or 1,
        reasoning=str(row[8]),
        finish_reason=str(row[10]),
        error=str(row[11]),
        usage=Usage(
            _count(row[12]),
            _count(row[13]),
            _count(row[14]),
            _count(row[15]),
            _count(row[16]),
            bool(row[17]),
        ),
        ttft=_seconds(row[18]),
        duration=_seconds(row[19]),
        adopted=bool(row[20]),
        id=int(cast(int, row[0])),
        created_at=from_iso(str(row[1])),
    )


class JudgingLedger(StoreBase):
    """Votes and judgements of races: written and read from worker threads."""

    @guarded
    def add_vote(self, race_id: int, round_: int, vote: Vote) -> int:
        """Store one vote on a round of a race (its blindness in its own column); returns its
        row."""
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO race_votes (race_id, blind, vote) VALUES (?, ?, ?)",
                (vote_key(race_id, round_), int(vote.blind), vote.encode()),
            )
        return int(cursor.lastrowid or 0)

    @guarded
    def amend_vote(self, row: int, vote: Vote) -> None:
        """Replace a vote just cast (a pick ranked further), keeping its blindness."""
        with self._write() as conn:
            conn.execute("UPDATE race_votes SET vote = ? WHERE rowid = ?", (vote.encode(), row))

    @guarded
    def race_votes(self, race_id: int, round_: int) -> list[Vote]:
        """The votes on a round of a race, oldest first (rows that are not a vote are left
        out)."""
        rows = self._conn.execute(
            "SELECT blind, vote FROM race_votes WHERE race_id = ? ORDER BY rowid",
            (vote_key(race_id, round_),),
        ).fetchall()
        votes = (Vote.decode(text, blind=bool(blind)) for blind, text in rows)
        return [vote for vote in votes if vote is not None]

    @guarded
    def save_judgement(self, race_id: int, judgement: Judgement) -> int:
        """Store a judge's reply with its race; returns its id."""
        j, usage = judgement, judgement.usage
        text = writable(
            {"model": j.model, "provider": j.provider, "text": j.text, "reasoning": j.reasoning,
             "finish_reason": j.finish_reason, "error": j.error}
        )  # fmt: skip
        values = (
            race_id, self._now(), j.round, j.mode, text["model"], text["provider"],
            ",".join(map(str, j.order)), text["text"], text["reasoning"], j.status,
            text["finish_reason"], text["error"], usage.input_tokens, usage.output_tokens,
            usage.reasoning_tokens, usage.cache_read_tokens, usage.cache_write_tokens,
            int(usage.estimated), j.ttft, j.duration, int(j.adopted),
        )  # fmt: skip
        with self._write() as conn:
            cursor = conn.execute(
                f"INSERT INTO race_judgements (race_id, created_at, {_COLUMNS}) "
                f"VALUES ({', '.join('?' * len(values))})",
                values,
            )
        return int(cursor.lastrowid or 0)

    @guarded
    def adopt_judgement(self, judgement_id: int, vote: Vote) -> None:
        """Make a judgement's verdict the user's vote on its race (one transaction)."""
        with self._write() as conn:
            row = conn.execute(
                "SELECT race_id, round FROM race_judgements WHERE id = ?", (judgement_id,)
            ).fetchone()
            if row is None:
                return
            conn.execute("UPDATE race_judgements SET adopted = 1 WHERE id = ?", (judgement_id,))
            conn.execute(
                "INSERT INTO race_votes (race_id, blind, vote) VALUES (?, ?, ?)",
                (vote_key(row[0], row[1]), int(vote.blind), vote.encode()),
            )

    @guarded
    def judgements(self, race_id: int) -> list[Judgement]:
        """The judgements of a race, oldest first."""
        rows = self._conn.execute(
            f"SELECT id, created_at, {_COLUMNS} FROM race_judgements WHERE race_id = ? ORDER BY id",
            (race_id,),
        ).fetchall()
        return [_judgement(row) for row in rows]

    @guarded
    def leaderboard(self, catalogue: Catalogue, wanted: StatsFilter | None = None) -> Leaderboard:
        """The personal leaderboard of the races stored (see race_stats); a store that holds
        no race tables yet has none."""
        from tikhub_tui.core.judging.leaderboard import Standings
        from tikhub_tui.core.store.race_stats import store_leaderboard

        found = self._conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE name IN ('race_answers', 'race_votes')"
        ).fetchone()[0]
        if found < 2:
            return Standings(wanted).result()
        return store_leaderboard(self._conn, catalogue, wanted)
