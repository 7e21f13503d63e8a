"""Ratings from pairwise results: a Bradley–Terry fit shown on the Elo scale.

Bradley–Terry gives each model a strength p so that A beats B with probability p_A/(p_A+p_B),
fitted to all votes at once; unlike Elo's one-vote-at-a-time updates the result does not depend
on the order the votes came in, which matters for a personal history of a few hundred votes.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

from tikhub_tui.core.judging.votes import Outcome

BASE = 1000.0
"""The rating of a model as strong as the average of those it was compared with."""
SCALE = 400.0
"""Elo's scale: 400 points apart means 10-to-1 odds."""
PRIOR_TIES = 1.0
"""Virtual tied games added to every pair of models that met: a 2-0 record then reads as
clearly better, not infinitely better, and the pull fades as real votes accumulate."""
TOLERANCE = 1e-10
MAX_ROUNDS = 10_000


def _components(games: dict[str, dict[str, float]]) -> list[list[str]]:
    """The groups of models linked by votes, directly or through others."""
    seen: set[str] = set()
    groups: list[list[str]] = []
    for start in sorted(games):
        if start in seen:
            continue
        group, stack = [], [start]
        seen.add(start)
        while stack:
            model = stack.pop()
            group.append(model)
            for other in games[model]:
                if other not in seen:
                    seen.add(other)
                    stack.append(other)
        groups.append(sorted(group))
    return groups


class Pairs:
    """Pairwise results added up: each model's wins (ties count half) and each pair's games."""

    def __init__(self) -> None:
        self.wins: dict[str, float] = defaultdict(float)
        self.games: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))

    def add(self, first: str, second: str, score: float, games: float = 1.0) -> None:
        """`first` scored `score` (1 a win, 0.5 a tie each) against `second` over `games`."""
        if first == second:
            return
        self.wins[first] += score
        self.wins[second] += games - score
        self.games[first][second] += games
        self.games[second][first] += games


def bradley_terry(results: Iterable[Outcome], *, prior: float = PRIOR_TIES) -> dict[str, float]:
    """Each model's rating from pairwise results (ties count half a win to each side)."""
    pairs = Pairs()
    for result in results:
        pairs.add(result.first, result.second, result.score)
    return fit(pairs, prior=prior)


def fit(pairs: Pairs, *, prior: float = PRIOR_TIES) -> dict[str, float]:
    """Each model's rating from added-up pairwise results.

    Fitted by the minorise-maximise iteration (Hunter 2004): p_i ← W_i / Σ_j n_ij/(p_i+p_j),
    where W_i is i's wins and n_ij the games of i and j, virtual ties included. Ratings are
    BASE + SCALE·log10(p_i / g), g the geometric mean strength of the model's group: models
    never linked by votes, even through others, cannot be compared, so each group is centred
    on BASE on its own. `prior` must be above 0 unless every model both won and lost.
    """
    if prior < 0:
        raise ValueError("prior must be 0 or more")
    wins = dict(pairs.wins)
    games = {model: dict(opponents) for model, opponents in pairs.games.items()}
    for model, opponents in games.items():
        for other in opponents:
            opponents[other] += prior
            wins[model] += prior / 2
    strength = {model: 1.0 for model in games}
    for _ in range(MAX_ROUNDS if games else 0):
        previous = dict(strength)
        for model, opponents in games.items():
            mine = strength[model]
            denominator = sum(n / (mine + strength[other]) for other, n in opponents.items())
            strength[model] = wins[model] / denominator
            if strength[model] <= 0.0:
                raise ValueError(f"{model} never won: give a prior above 0")
        # the scale is free: keep the geometric mean at 1 so that nothing drifts or overflows
        shift = math.exp(-sum(math.log(value) for value in strength.values()) / len(strength))
        strength = {model: value * shift for model, value in strength.items()}
        change = max(abs(math.log(strength[m] / previous[m])) for m in strength)
        if change < TOLERANCE:
            break
    ratings: dict[str, float] = {}
    for group in _components(games):
        centre = sum(math.log10(strength[model]) for model in group) / len(group)
        for model in group:
            ratings[model] = BASE + SCALE * (math.log10(strength[model]) - centre)
    return ratings
