"""Votes become pairwise results: picks, rankings, ties, "both bad", and hostile stored votes."""

from __future__ import annotations

import pytest

from tikhub_tui.core.judging.votes import Outcome, Vote, outcomes

THREE = ["gpt-5", "claude-opus-4-6", "gemini-2.5-pro"]


def test_two_panes_one_better() -> None:
    assert outcomes(Vote.pick(1), ["gpt-5", "claude-opus-4-6"]) == [
        Outcome("claude-opus-4-6", "gpt-5", 1.0)
    ]


def test_two_panes_tie_and_both_bad() -> None:
    assert outcomes(Vote.tie(), ["a", "b"]) == [Outcome("a", "b", 0.5)]
    assert outcomes(Vote.bad(), ["a", "b"]) == [Outcome("a", "b", 0.5, bad=True)]


def test_best_of_three_beats_both_others_who_are_not_compared() -> None:
    assert outcomes(Vote.pick(2), THREE) == [
        Outcome("gemini-2.5-pro", "gpt-5", 1.0),
        Outcome("gemini-2.5-pro", "claude-opus-4-6", 1.0),
    ]


def test_a_partial_ranking_orders_the_ranked_above_the_rest() -> None:
    six = list("abcdef")
    results = outcomes(Vote.pick(3, 0), six)
    pairs = {(r.first, r.second) for r in results}
    # d beats all five; a beats the four unranked; the unranked are not compared
    assert pairs == {("d", x) for x in "abcef"} | {("a", x) for x in "bcef"}
    assert all(r.score == 1.0 for r in results)


def test_a_full_ranking_gives_every_pair() -> None:
    results = outcomes(Vote.pick(1, 2, 0), THREE)
    assert [(r.first, r.second) for r in results] == [
        ("claude-opus-4-6", "gemini-2.5-pro"),
        ("claude-opus-4-6", "gpt-5"),
        ("gemini-2.5-pro", "gpt-5"),
    ]


def test_a_tie_of_three_ties_every_pair() -> None:
    assert len(outcomes(Vote.tie(), THREE)) == 3
    assert {r.score for r in outcomes(Vote.bad(), THREE)} == {0.5}


def test_the_same_model_twice_is_never_compared_with_itself() -> None:
    same = ["gpt-5", "gpt-5", "o3"]
    assert outcomes(Vote.pick(0), same) == [Outcome("gpt-5", "o3", 1.0)]
    assert outcomes(Vote.tie(), same) == [Outcome("gpt-5", "o3", 0.5), Outcome("gpt-5", "o3", 0.5)]


@pytest.mark.parametrize(
    "vote, panes",
    [
        (Vote.pick(2), 2),  # no such pane
        (Vote.pick(0, 0), 3),  # ranked twice
        (Vote("pick", ()), 2),  # names nobody
        (Vote("tie", (1,)), 2),  # a tie names nobody
        (Vote.pick(0), 1),  # a race of one
        (Vote.pick(0), 7),  # more than six
    ],
)
def test_a_vote_that_does_not_fit_counts_for_nothing(vote: Vote, panes: int) -> None:
    assert vote.problem(panes)
    assert outcomes(vote, [f"m{i}" for i in range(panes)]) == []


@pytest.mark.parametrize("vote", [Vote.pick(0), Vote.pick(5, 2, 0), Vote.tie(), Vote.bad()])
@pytest.mark.parametrize("blind", [True, False])
def test_votes_round_trip_through_the_store(vote: Vote, blind: bool) -> None:
    assert Vote.decode(vote.encode(), blind=blind) == Vote(vote.kind, vote.order, blind)


@pytest.mark.parametrize(
    "stored",
    ["", "pick:", "pick:6", "pick:1,1", "pick:-1", "tie ", "TIE", "pick:0" + ",1" * 40, None, 3, b"tie"],
)
def test_anything_else_in_the_store_is_no_vote(stored: object) -> None:
    assert Vote.decode(stored, blind=True) is None


def test_one_key_is_a_vote() -> None:
    from tikhub_tui.core.judging.votes import vote_from_keys

    seats = (1, 0)  # blind: pane 1 sits first, under A
    assert vote_from_keys("a", seats, blind=True) == Vote.pick(1)
    assert vote_from_keys("B", seats, blind=True) == Vote.pick(0)
    assert vote_from_keys("t", seats, blind=True) == Vote.tie()
    assert vote_from_keys("x", seats, blind=False) == Vote.bad(blind=False)
    # more panes: the best, then optionally the next ones in order
    assert vote_from_keys("cab", (0, 1, 2, 3), blind=True) == Vote.pick(2, 0, 1)
    for keys in ["", "c", "aa", "z", "tx", "a t"]:
        assert vote_from_keys(keys, seats, blind=True) is None
