"""The leaderboard's plain values: races as it reads them, the filter, its rows.

A neutral shape (races, their answers' metrics, their votes) that memory, the tests and the
SQLite query all fill, so none of them depends on how a race is stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from tikhub_tui.core.judging.votes import Vote

VoteSet = Literal["blind", "sighted", "all"]
"""Which votes rate the models: blind ones (the default), sighted ones, or both together."""


@dataclass(frozen=True, slots=True)
class AnswerResult:
    """One pane's answer as the leaderboard sees it; None where the metric is unknown."""

    model: str
    provider: str = ""
    ttft: float | None = None
    """Seconds to the first token."""
    tokens_per_s: float | None = None
    cost: float | None = None
    """US dollars, when the model has a price."""
    failed: bool = False
    """The answer ended in an error."""


@dataclass(frozen=True, slots=True)
class RaceResult:
    """One round of a race: when, its answers in pane order, and the votes cast on it."""

    race_id: str
    """`<race>.<round>` (votes are per round), or a race of one round by its own id."""
    at: datetime
    answers: tuple[AnswerResult, ...]
    votes: tuple[Vote, ...] = ()

    @property
    def race(self) -> str:
        """The race this round belongs to: rounds and retries of one race are one race."""
        return race_of(self.race_id)


def race_of(race_id: str) -> str:
    """The race of a round's id (`7.2` -> `7`), as race_stats' SQL reads it too."""
    return race_id.partition(".")[0]


@dataclass(frozen=True, slots=True)
class StatsFilter:
    """Which races and votes count: a time range (since inclusive, until exclusive), a model
    set (only those models, compared only with each other), blind, sighted or all votes."""

    since: datetime | None = None
    until: datetime | None = None
    models: frozenset[str] | None = None
    votes: VoteSet = "blind"

    def keeps(self, at: datetime) -> bool:
        return (self.since is None or at >= self.since) and (self.until is None or at < self.until)


@dataclass(frozen=True, slots=True)
class Spread:
    """The median and 90th percentile of a metric (None when nothing was measured)."""

    median: float | None = None
    p90: float | None = None

    @classmethod
    def of(cls, values: list[float]) -> Spread:
        values.sort()
        return cls(percentile(values, 0.5), percentile(values, 0.9))


@dataclass(frozen=True, slots=True)
class ModelStats:
    """One row of the leaderboard."""

    model: str
    provider: str
    rating: float | None
    """None: no vote of the chosen kind compared this model with another."""
    wins: int
    losses: int
    ties: int
    both_bad: int
    """Ties because both were bad (counted in `ties` too)."""
    races: int
    answers: int
    errors: int
    ttft: Spread
    tokens_per_s: Spread
    cost: float | None
    """Median cost of one answer, over the answers with a price."""
    priced_answers: int

    @property
    def error_rate(self) -> float:
        return self.errors / self.answers if self.answers else 0.0


@dataclass(frozen=True, slots=True)
class Leaderboard:
    """Every model's row, best rated first, and what they were computed from."""

    filter: StatsFilter
    rows: tuple[ModelStats, ...]
    races: int
    votes: int
    """Votes of the chosen kind counted."""
    other_votes: int
    """Votes of the other kind (blind when sighted were chosen, and the reverse; 0 for all)."""


def percentile(ordered: Sequence[float], q: float) -> float | None:
    """The q-quantile of sorted values, interpolated between the nearest ranks (as numpy)."""
    if not ordered:
        return None
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
