"""Votes on a race and the pairwise results they stand for.

A vote is one key: for two panes A better, B better, a tie or both bad; for more, the best pick
(optionally a ranking). Ratings and win counts need pairs, so every vote is broken into pairwise
results here, once, the same way for the leaderboard and the race screen.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

VoteKind = Literal["pick", "tie", "bad"]
"""`pick`: `order` names the best pane first (then the second best, …); `tie`: all equally
good; `bad`: all equally bad (for two panes: "both bad")."""

MAX_PANES = 6
_ENCODED = re.compile(r"(?:pick:([0-5](?:,[0-5]){0,5})|(tie)|(bad))")


@dataclass(frozen=True, slots=True)
class Vote:
    """One vote on one race; panes are indices into the race's answers, in race order."""

    kind: VoteKind
    order: tuple[int, ...] = ()
    """For a pick: the best pane first, then as many of the next as the user ranked."""
    blind: bool = True
    """Cast before the names were shown: blind and sighted votes are rated apart."""

    @classmethod
    def pick(cls, *order: int, blind: bool = True) -> Vote:
        """The best pane (and, optionally, the next ones in order)."""
        return cls("pick", tuple(order), blind)

    @classmethod
    def tie(cls, *, blind: bool = True) -> Vote:
        return cls("tie", (), blind)

    @classmethod
    def bad(cls, *, blind: bool = True) -> Vote:
        return cls("bad", (), blind)

    def problem(self, panes: int) -> str:
        """Why this vote does not fit a race of `panes` answers ("" when it does)."""
        if not 2 <= panes <= MAX_PANES:
            return f"a race has 2 to {MAX_PANES} answers, not {panes}"
        if self.kind != "pick":
            return "" if not self.order else f"a {self.kind} vote names no panes"
        if not self.order:
            return "a pick names the best pane"
        if len(set(self.order)) != len(self.order):
            return "a ranking names each pane once"
        if any(not 0 <= pane < panes for pane in self.order):
            return f"a pane is numbered 0 to {panes - 1}"
        return ""

    def encode(self) -> str:
        """`pick:2,0`, `tie` or `bad`: how the store keeps it (blindness is its own column)."""
        if self.kind == "pick":
            return "pick:" + ",".join(str(pane) for pane in self.order)
        return self.kind

    @classmethod
    def decode(cls, text: object, *, blind: bool) -> Vote | None:
        """The vote `encode` wrote, or None for anything else (the store is read as hostile)."""
        if not isinstance(text, str) or len(text) > 32:
            return None
        match = _ENCODED.fullmatch(text)
        if match is None:
            return None
        if match.group(1) is not None:
            order = tuple(int(part) for part in match.group(1).split(","))
            return cls("pick", order, blind) if len(set(order)) == len(order) else None
        return cls("tie" if match.group(2) else "bad", (), blind)


TIE_KEY = "t"
BAD_KEY = "x"
LABELS = "abcdef"


def vote_from_keys(keys: str, seats: Sequence[int], *, blind: bool) -> Vote | None:
    """The vote that keys typed on a race stand for: a pane's label (`a`–`f`, in the order the
    panes sit, `seats[k]` the pane under the k-th label) picks it as the best, more labels rank
    the next ones; `t` is a tie and `x` all bad ("both bad"). None for anything else."""
    typed = keys.strip().lower()
    if typed in (TIE_KEY, BAD_KEY):
        return Vote("tie" if typed == TIE_KEY else "bad", (), blind)
    places = [LABELS.find(key) for key in typed]
    if not places or any(not 0 <= place < len(seats) for place in places):
        return None
    vote = Vote.pick(*(seats[place] for place in places), blind=blind)
    return None if vote.problem(len(seats)) else vote


class Outcome(NamedTuple):
    """One pairwise result: `first` scored `score` against `second` (1 won, 0.5 tied)."""

    first: str
    second: str
    score: float
    bad: bool = False
    """A tie because both were bad."""


@functools.lru_cache(maxsize=1024)
def pane_pairs(vote: Vote, panes: int) -> tuple[tuple[int, int, float], ...]:
    """The pairwise results of a vote as (pane, pane, score of the first): see `outcomes`."""
    if vote.problem(panes):
        return ()
    if vote.kind != "pick":
        return tuple((a, b, 0.5) for a in range(panes) for b in range(a + 1, panes))
    ranked = list(vote.order)
    rest = [pane for pane in range(panes) if pane not in vote.order]
    return tuple(
        (winner, loser, 1.0)
        for position, winner in enumerate(ranked)
        for loser in [*ranked[position + 1 :], *rest]
    )


def outcomes(vote: Vote, contestants: Sequence[str]) -> list[Outcome]:
    """The pairwise results a vote stands for, over the race's contestants (model names).

    A pick: each ranked pane beats every pane ranked below it and every unranked pane;
    unranked panes are not compared with each other. A tie or "bad": every pair ties. Two
    panes of the same contestant are never compared; a vote that does not fit gives nothing.
    """
    bad = vote.kind == "bad"
    return [
        Outcome(contestants[a], contestants[b], score, bad)
        for a, b, score in pane_pairs(vote, len(contestants))
        if contestants[a] != contestants[b]
    ]
