"""The leaderboard from races: counts, medians and p90s by hand, filters, the table, the JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from tikhub_tui.core.judging.board import (
    AnswerResult,
    Leaderboard,
    RaceResult,
    StatsFilter,
    percentile,
)
from tikhub_tui.core.judging.leaderboard import leaderboard
from tikhub_tui.core.judging.stats_words import table_lines, to_json
from tikhub_tui.core.judging.votes import Vote

GPT, CLAUDE, GEMINI, MINE = "gpt-5", "claude-opus-4-6", "gemini-2.5-pro", "my-model"


def day(month: int, date: int) -> datetime:
    return datetime(2026, month, date, 10, 0, tzinfo=UTC)


def answer(model: str, ttft: float, tps: float, cost: float | None) -> AnswerResult:
    provider = {GPT: "openai", CLAUDE: "anthropic", GEMINI: "gemini"}.get(model, "openai")
    return AnswerResult(model, provider, ttft, tps, cost)


RACES = [
    RaceResult(
        "r1",
        day(1, 1),
        (answer(GPT, 1.0, 50, 0.01), answer(CLAUDE, 2.0, 40, 0.03)),
        (Vote.pick(1),),  # claude > gpt
    ),
    RaceResult(
        "r2",
        day(1, 2),
        (answer(GPT, 3.0, 70, 0.02), AnswerResult(CLAUDE, "anthropic", failed=True)),
        (Vote.tie(),),
    ),
    RaceResult(
        "r3",
        day(1, 3),
        (answer(GPT, 2.0, 60, 0.03), answer(CLAUDE, 1.0, 30, 0.05), answer(GEMINI, 0.5, 100, None)),
        (Vote.pick(2, 0), Vote.pick(0, blind=False)),  # gemini > gpt > claude; sighted: gpt best
    ),
    RaceResult("r4", day(2, 1), (answer(GPT, 4.0, 80, 0.04), answer(MINE, 0.2, 20, None))),
]


def rows_by_model(board: Leaderboard) -> dict[str, Any]:
    """The board's rows by model (Any: the tests do arithmetic on ratings they know are set)."""
    return {row.model: row for row in board.rows}


def test_percentile_interpolates_between_ranks() -> None:
    # position = q·(n-1): the median of 1,2,3,4 sits at 1.5 -> 2.5; p90 at 2.7 -> 3 + 0.7·1 = 3.7
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == pytest.approx(2.5)
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.9) == pytest.approx(3.7)
    assert percentile([7.0], 0.9) == 7.0
    assert percentile([], 0.5) is None


def test_every_column_of_every_model() -> None:
    board = leaderboard(RACES)
    assert (board.races, board.votes, board.other_votes) == (4, 3, 1)
    assert [row.model for row in board.rows] == [GEMINI, GPT, CLAUDE, MINE]
    rows = rows_by_model(board)
    gpt, claude, gemini, mine = rows[GPT], rows[CLAUDE], rows[GEMINI], rows[MINE]
    # blind results: r1 claude>gpt; r2 gpt=claude; r3 gemini>gpt, gemini>claude, gpt>claude
    assert (gpt.wins, gpt.losses, gpt.ties) == (1, 2, 1)
    assert (claude.wins, claude.losses, claude.ties) == (1, 2, 1)
    assert (gemini.wins, gemini.losses, gemini.ties) == (2, 0, 0)
    # gpt and claude have the same record against each other and lost once each to gemini
    assert gpt.rating == pytest.approx(claude.rating)
    assert gemini.rating > gpt.rating
    assert gemini.rating + gpt.rating + claude.rating == pytest.approx(3000)
    assert mine.rating is None and (mine.wins, mine.losses, mine.ties) == (0, 0, 0)
    # gpt: ttft 1,3,2,4 -> 2.5 / 3.7; tok/s 50,70,60,80 -> 65 / 77; cost .01-.04 -> .025
    assert (gpt.races, gpt.answers, gpt.errors) == (4, 4, 0)
    assert (gpt.ttft.median, gpt.ttft.p90) == pytest.approx((2.5, 3.7))
    assert (gpt.tokens_per_s.median, gpt.tokens_per_s.p90) == pytest.approx((65, 77))
    assert gpt.cost == pytest.approx(0.025) and gpt.priced_answers == 4
    # claude: one failed answer out of three; ttft 2,1 -> 1.5 / 1.9; tok/s 40,30 -> 35 / 39
    assert (claude.races, claude.answers, claude.errors) == (3, 3, 1)
    assert claude.error_rate == pytest.approx(1 / 3)
    assert (claude.ttft.median, claude.ttft.p90) == pytest.approx((1.5, 1.9))
    assert (claude.tokens_per_s.median, claude.tokens_per_s.p90) == pytest.approx((35, 39))
    assert claude.cost == pytest.approx(0.04) and claude.priced_answers == 2
    # gemini has no price: no cost, not zero
    assert gemini.cost is None and gemini.priced_answers == 0


def test_sighted_votes_are_rated_apart() -> None:
    board = leaderboard(RACES, StatsFilter(votes="sighted"))
    assert (board.votes, board.other_votes) == (1, 3)
    rows = rows_by_model(board)
    assert (rows[GPT].wins, rows[GPT].losses) == (2, 0)
    assert rows[GPT].rating > rows[CLAUDE].rating == pytest.approx(rows[GEMINI].rating)


def test_time_range_keeps_since_and_drops_until() -> None:
    board = leaderboard(RACES, StatsFilter(since=day(1, 2), until=day(2, 1)))
    assert board.races == 2  # r2 and r3
    assert rows_by_model(board)[GPT].answers == 2
    assert MINE not in rows_by_model(board)


def test_a_model_set_compares_only_its_members() -> None:
    board = leaderboard(RACES, StatsFilter(models=frozenset({"GPT-5", CLAUDE})))
    rows = rows_by_model(board)
    assert set(rows) == {GPT, CLAUDE}
    assert board.races == 4  # r4 had gpt-5
    # gemini's wins are gone: r1 claude>gpt, r2 tie, r3 gpt>claude
    assert (rows[GPT].wins, rows[GPT].losses, rows[GPT].ties) == (1, 1, 1)
    assert rows[GPT].rating == pytest.approx(1000) == pytest.approx(rows[CLAUDE].rating)


def test_one_race_and_none() -> None:
    board = leaderboard(RACES[:1])
    assert [row.model for row in board.rows] == [CLAUDE, GPT]
    assert board.rows[0].ttft.p90 == 2.0
    empty = leaderboard([])
    assert empty.rows == () and empty.races == 0
    assert table_lines(empty)[0].startswith("No races")


def test_both_bad_is_a_tie_counted_apart() -> None:
    race = RaceResult("x", day(3, 1), (answer(GPT, 1, 1, None), answer(CLAUDE, 1, 1, None)), (Vote.bad(),))
    rows = rows_by_model(leaderboard([race]))
    assert (rows[GPT].ties, rows[GPT].both_bad) == (1, 1)


def test_the_table() -> None:
    lines = table_lines(leaderboard(RACES))
    assert lines[0].split() == [
        "#", "MODEL", "RATING", "W-L-T", "RACES", "TTFT", "p50/p90", "TOK/S", "p50/p90", "COST/ANS", "ERRORS",
    ]  # fmt: skip
    gpt = next(line for line in lines if " gpt-5 " in line)
    assert gpt.split()[0] == "2"
    assert "1-2-1" in gpt and "2.50 / 3.70 s" in gpt and "65 / 77" in gpt and "$0.025" in gpt
    claude = next(line for line in lines if CLAUDE in line)
    assert claude.endswith("33%")
    mine = next(line for line in lines if MINE in line)
    assert "—" in mine.split()  # no rating, no price
    assert any("1 sighted vote not counted: --sighted" in line for line in lines)
    assert len({len(line) for line in lines[:5]}) <= 2  # aligned (the last column may end short)


def test_the_table_fits_a_narrow_width_by_cutting_model_names() -> None:
    long = "a-very-long-model-name-from-a-gateway-that-likes-long-names"
    race = RaceResult("x", day(3, 1), (answer(long, 1, 1, None), answer(GPT, 1, 1, None)), ())
    lines = table_lines(leaderboard([race]), width=100)
    assert all(len(line) <= 100 for line in lines[:3])
    assert "…" in lines[1] + lines[2]


def test_names_from_the_store_cannot_drive_the_terminal() -> None:
    race = RaceResult("x", day(3, 1), (answer("evil\x1b]52;c;aGk=\x07", 1, 1, None), answer(GPT, 1, 1, None)), ())
    assert not any("\x1b" in line or "\x07" in line for line in table_lines(leaderboard([race])))


def test_json_shape() -> None:
    data: Any = to_json(leaderboard(RACES, StatsFilter(since=day(1, 1), models=frozenset({GPT, CLAUDE, GEMINI}))))
    assert json.loads(json.dumps(data)) == data
    assert data["filter"] == {
        "since": "2026-01-01T10:00:00+00:00",
        "until": None,
        "models": sorted([GPT, CLAUDE, GEMINI]),
        "votes": "blind",
    }
    assert (data["races"], data["votes"], data["other_votes"]) == (4, 3, 1)
    assert data["rating"]["method"] == "bradley-terry"
    gpt = data["models"][1]
    assert gpt == {
        "model": GPT,
        "provider": "openai",
        "rating": gpt["rating"],
        "wins": 1,
        "losses": 2,
        "ties": 1,
        "both_bad": 0,
        "races": 4,
        "answers": 4,
        "errors": 0,
        "error_rate": 0.0,
        "ttft_s": {"median": 2.5, "p90": 3.7},
        "tokens_per_s": {"median": 65.0, "p90": 77.0},
        "cost_per_answer_usd": {"median": 0.025, "priced_answers": 4},
    }
    assert isinstance(gpt["rating"], float)
    assert data["models"][0]["cost_per_answer_usd"] == {"median": None, "priced_answers": 0}
