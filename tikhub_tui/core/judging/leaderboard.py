"""The personal leaderboard: per model over the user's own races, ratings beside speed and cost.

`Standings` adds races up one at a time (or, from SQLite, a model's totals at once) and is the
one place the leaderboard's arithmetic lives; blind and sighted votes are mixed only when all
votes are asked for.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from tikhub_tui.core.judging.board import (
    Leaderboard,
    ModelStats,
    RaceResult,
    Spread,
    StatsFilter,
)
from tikhub_tui.core.judging.rating import Pairs, fit
from tikhub_tui.core.judging.votes import Vote, pane_pairs

AnswerRow = tuple[str, str, float | None, float | None, float | None, bool]
"""An answer as `Standings.add` takes it: model, provider, ttft, tokens/s, cost, failed."""


@dataclass(slots=True)
class _Model:
    provider: str = ""
    races: int = 0
    """Races it took part in: distinct races, however many rounds or retries each had."""
    seen: set[str] = field(default_factory=set)
    """The races of `races`, when added a round at a time."""
    answers: int = 0
    errors: int = 0
    ttft: list[float] = field(default_factory=list)
    rates: list[float] = field(default_factory=list)
    costs: list[float] = field(default_factory=list)
    record: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    """wins, losses, ties, both bad"""

    def row(self, model: str, rating: float | None) -> ModelStats:
        wins, losses, ties, bad = self.record
        return ModelStats(
            model, self.provider, rating, wins, losses, ties, bad, self.races, self.answers,
            self.errors, Spread.of(self.ttft), Spread.of(self.rates), Spread.of(self.costs).median,
            len(self.costs),
        )  # fmt: skip


class Standings:
    """The leaderboard being added up. The caller applies the time range; the standings apply
    the model set (only those models, compared only with each other) and the vote kind."""

    def __init__(self, wanted: StatsFilter | None = None) -> None:
        self.wanted = wanted or StatsFilter()
        chosen = self.wanted.models
        self._chosen = None if chosen is None else {m.strip().lower() for m in chosen}
        self._keeps: dict[str, bool] = {}
        self._skipped = {"blind": False, "sighted": True, "all": None}[self.wanted.votes]
        """The blindness of the votes left out (None: none is)."""
        self._models: dict[str, _Model] = {}
        self._met: dict[tuple[str, str], list[int]] = {}
        """Per (first, second) as the votes named them: first's wins, ties, ties both bad."""
        self.races = 0
        """Races with an answer of a chosen model (a race of many rounds is one race)."""
        self._races: set[str] = set()
        self.votes = self.other_votes = 0

    @property
    def models(self) -> list[str]:
        """The models added so far (only chosen ones are)."""
        return list(self._models)

    def kept(self, model: str) -> bool:
        """The model is in the chosen set (or no set was chosen)."""
        keep = self._keeps.get(model)
        if keep is None:
            keep = self._chosen is None or model.strip().lower() in self._chosen
            self._keeps[model] = keep
        return keep

    def _model(self, model: str) -> _Model:
        tally = self._models.get(model)
        if tally is None:
            tally = self._models[model] = _Model()
        return tally

    def add(self, race: str, answers: Sequence[AnswerRow], votes: Sequence[Vote] = ()) -> None:
        """One round of the race `race`: its answers in pane order, and its votes."""
        counted = False
        for model, provider, ttft, rate, cost, failed in answers:
            if not self.kept(model):
                continue
            tally = self._model(model)
            counted = True
            if race not in tally.seen:
                tally.seen.add(race)
                tally.races += 1
            tally.provider = provider or tally.provider
            tally.answers += 1
            tally.errors += 1 if failed else 0
            if ttft is not None:
                tally.ttft.append(ttft)
            if rate is not None:
                tally.rates.append(rate)
            if cost is not None:
                tally.costs.append(cost)
        if counted:
            if race not in self._races:
                self._races.add(race)
                self.races += 1
            self.add_votes(votes, [answer[0] for answer in answers])

    def add_model(
        self,
        model: str,
        provider: str,
        counts: tuple[int, int, int],
        metrics: tuple[list[float], list[float], list[float]],
    ) -> None:
        """A model's totals over many races at once: (races, answers, errors) and every
        answer's (ttft, tokens/s, cost) where known; `races` is then the caller's to set."""
        if self.kept(model):
            tally = self._model(model)
            tally.provider = provider or tally.provider
            tally.races, tally.answers, tally.errors = counts
            tally.ttft, tally.rates, tally.costs = metrics

    def add_votes(self, votes: Iterable[Vote], names: Sequence[str]) -> None:
        """The votes on one race whose panes hold the models `names`, in pane order."""
        everyone, kept, met = self._chosen is None, self.kept, self._met
        for vote in votes:
            if vote.blind is self._skipped:
                self.other_votes += 1
                continue
            self.votes += 1
            bad = 1 if vote.kind == "bad" else 0
            for a, b, score in pane_pairs(vote, len(names)):
                first, second = names[a], names[b]
                if first == second or not (everyone or (kept(first) and kept(second))):
                    continue
                record = met.get((first, second))
                if record is None:
                    record = met[first, second] = [0, 0, 0]
                if score == 0.5:
                    record[1] += 1
                    record[2] += bad
                else:
                    record[0] += 1

    def result(self) -> Leaderboard:
        pairs = Pairs()
        for (first, second), (wins, ties, bad) in self._met.items():
            pairs.add(first, second, wins + ties / 2, wins + ties)
            one, two = self._model(first).record, self._model(second).record
            one[0] += wins
            two[1] += wins
            for record in (one, two):
                record[2] += ties
                record[3] += bad
        ratings = fit(pairs)
        rows = [tally.row(model, ratings.get(model)) for model, tally in self._models.items()]
        # ratings equal by symmetry may differ in the last bits: rank them on 6 decimals
        rows.sort(key=lambda r: (r.rating is None, -round(r.rating or 0.0, 6), -r.races, r.model))
        return Leaderboard(self.wanted, tuple(rows), self.races, self.votes, self.other_votes)


def leaderboard(races: Iterable[RaceResult], wanted: StatsFilter | None = None) -> Leaderboard:
    """The leaderboard of `races` as `wanted` filters them (all races, blind votes: default)."""
    standings = Standings(wanted)
    for race in races:
        if standings.wanted.keeps(race.at):
            rows = [
                (a.model, a.provider, a.ttft, a.tokens_per_s, a.cost, a.failed)
                for a in race.answers
            ]
            standings.add(race.race, rows, race.votes)
    return standings.result()
