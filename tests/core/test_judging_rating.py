"""Bradley–Terry ratings on hand-computed examples, on the Elo scale.

A Bradley–Terry fit gives strengths p with P(i beats j) = p_i / (p_i + p_j). The maximum
likelihood strengths satisfy, for every model i,  W_i = Σ_j n_ij · p_i / (p_i + p_j)
(W_i: i's wins, ties as half; n_ij: games of i and j). The fit adds one virtual tie to every
pair that met (half a win each). Ratings are 1000 + 400·log10(p_i / g), g the geometric mean.
"""

from __future__ import annotations

import math

import pytest

from tikhub_tui.core.judging.rating import bradley_terry
from tikhub_tui.core.judging.votes import Outcome, Vote, outcomes


def test_two_models_closed_form() -> None:
    # A beats B twice. With the virtual tie: W_A = 2 + 0.5 = 2.5, W_B = 0 + 0.5 = 0.5, n_AB = 3.
    # For two models the equation gives p_A / p_B = W_A / W_B = 5 (check: 3·5/6 = 2.5 ✓).
    # Difference 400·log10(5) = 279.588; centred on 1000: A = 1139.794, B = 860.206.
    ratings = bradley_terry([Outcome("A", "B", 1.0), Outcome("A", "B", 1.0)])
    assert ratings["A"] == pytest.approx(1139.794, abs=1e-3)
    assert ratings["B"] == pytest.approx(860.206, abs=1e-3)


def test_three_models_from_real_votes() -> None:
    races = [
        # (the race's models, the vote)
        (["A", "B", "C"], Vote.pick(0, 1)),  # ranking A > B > C: A>B, A>C, B>C
        (["A", "B", "C"], Vote.pick(0, 1)),  # again
        (["A", "B", "C"], Vote.pick(0)),  # best A: A>B, A>C (B and C not compared)
        (["A", "B"], Vote.pick(1)),  # B better
        (["A", "B"], Vote.tie()),
        (["A", "C"], Vote.tie()),
        (["B", "C"], Vote.pick(0)),  # B better
        (["B", "C"], Vote.pick(1)),  # C better
        (["B", "C"], Vote.bad()),  # both bad: a tie
        (["A", "C"], Vote.pick(1, blind=False)),  # sighted: not among the blind results
    ]
    blind = [r for models, vote in races if vote.blind for r in outcomes(vote, models)]
    # Per pair, with the virtual tie (half a win each):
    #   A–B: A 3 wins, B 1, 1 tie  -> n = 5 + 1 = 6, W_A = 3 + 0.5 + 0.5 = 4, W_B = 1 + 1 = 2
    #   B–C: B 3 wins, C 1, 1 tie  -> n = 6,         W_B = 4,               W_C = 2
    #   A–C: A 3 wins, 1 tie       -> n = 4 + 1 = 5, W_A = 3 + 0.5 + 0.5 = 4, W_C = 0 + 1 = 1
    # Try p = (4, 2, 1). Each pair alone already fits:
    #   A–B: 6 · 4/(4+2) = 4 = W_A;  B–C: 6 · 2/(2+1) = 4 = W_B;  A–C: 5 · 4/(4+1) = 4 = W_A
    # so every model's sum fits (A: 4+4 = 8 = 8, B: 2+4 = 6, C: 2+1 = 3), and with every pair
    # linked both ways the fit is unique. g = (4·2·1)^(1/3) = 2, so:
    #   A = 1000 + 400·log10(4/2) = 1120.412, B = 1000, C = 1000 + 400·log10(1/2) = 879.588
    ratings = bradley_terry(blind)
    assert ratings["A"] == pytest.approx(1000 + 400 * math.log10(2), abs=1e-6)
    assert ratings["A"] == pytest.approx(1120.412, abs=1e-3)
    assert ratings["B"] == pytest.approx(1000.0, abs=1e-6)
    assert ratings["C"] == pytest.approx(879.588, abs=1e-3)


def test_no_prior_is_the_plain_fit() -> None:
    # Without virtual ties: A–B 2:1 and B–C 2:1 and A–C 4:1 fit p = (4, 2, 1) exactly:
    # 3·4/6 = 2 ✓, 3·2/3 = 2 ✓, 5·4/5 = 4 ✓.
    results = (
        [Outcome("A", "B", 1.0)] * 2
        + [Outcome("B", "A", 1.0)]
        + [Outcome("B", "C", 1.0)] * 2
        + [Outcome("C", "B", 1.0)]
        + [Outcome("A", "C", 1.0)] * 4
        + [Outcome("C", "A", 1.0)]
    )
    ratings = bradley_terry(results, prior=0)
    assert ratings["A"] - ratings["C"] == pytest.approx(400 * math.log10(4), abs=1e-6)
    assert ratings["B"] == pytest.approx(1000.0, abs=1e-6)


def test_order_does_not_matter() -> None:
    results = outcomes(Vote.pick(2, 0), ["x", "y", "z"]) + [Outcome("y", "x", 1.0)] * 3
    assert bradley_terry(results) == pytest.approx(bradley_terry(list(reversed(results))))


def test_groups_never_compared_are_each_centred() -> None:
    ratings = bradley_terry([Outcome("A", "B", 1.0), Outcome("C", "D", 0.5)])
    assert ratings["A"] + ratings["B"] == pytest.approx(2000.0)
    assert ratings["A"] > 1000 > ratings["B"]
    assert ratings["C"] == pytest.approx(1000.0) and ratings["D"] == pytest.approx(1000.0)


def test_an_unbeaten_model_stays_finite_and_ahead() -> None:
    results = [Outcome("best", other, 1.0) for other in ("x", "y") for _ in range(20)]
    ratings = bradley_terry(results)
    assert all(math.isfinite(value) for value in ratings.values())
    assert ratings["best"] > ratings["x"] == pytest.approx(ratings["y"])


def test_nothing_in_nothing_out() -> None:
    assert bradley_terry([]) == {}
    with pytest.raises(ValueError):
        bradley_terry([], prior=-1)
