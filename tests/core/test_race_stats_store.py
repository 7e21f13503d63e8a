"""The leaderboard read from SQLite: the same numbers as from memory, SQL prices equal to
core.cost's, time bounds, model sets, and rows or votes that make no sense."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tikhub_tui.core.catalogue import built_in
from tikhub_tui.core.cost import cost
from tikhub_tui.core.judging.board import AnswerResult, RaceResult, StatsFilter
from tikhub_tui.core.judging.leaderboard import leaderboard
from tikhub_tui.core.judging.stats_words import to_json
from tikhub_tui.core.judging.votes import Vote
from tikhub_tui.core.model import Usage
from tikhub_tui.core.store.race_stats import CONTRACT, store_leaderboard

COLUMNS = (
    "race_id, created_at, pane, model, provider, ttft, duration, input_tokens, output_tokens, "
    "reasoning_tokens, cache_read_tokens, cache_write_tokens, usage_estimated, status"
)
JAN = "2026-01-0{}T10:00:00.000Z"


def store(
    answers: Sequence[tuple[object, ...]], votes: Sequence[tuple[object, ...]]
) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.executescript(CONTRACT)
    conn.executemany(f"INSERT INTO race_answers ({COLUMNS}) VALUES ({', '.join('?' * 14)})", answers)
    conn.executemany("INSERT INTO race_votes VALUES (?, ?, ?)", votes)
    return conn


ANSWERS = [
    # r1: gpt-5 1,000 in / 2,000 out over 4 s after a 0.5 s first token; claude failed
    ("r1", JAN.format(1), 0, "gpt-5", "openai", 0.5, 4.5, 1000, 2000, 0, 0, 0, 0, "complete"),
    ("r1", JAN.format(1), 1, "claude-opus-4-6", "anthropic", None, 1.0, None, None, None, None, None, 0, "error"),
    # r2: three panes, one model without a price, one answer stopped (not an error, no tokens)
    ("r2", JAN.format(5), 2, "my-model", "openai", 1, 3, 10, 100, None, None, None, 0, "complete"),
    ("r2", JAN.format(5), 0, "gpt-5", "openai", 1.0, 2.0, 0, 0, 0, 0, 0, 0, "stopped"),
    ("r2", JAN.format(5), 1, "claude-opus-4-6", "anthropic", 2.0, 6.0, 2000, 400, None, 1500, 200, 0, "complete"),
    # r3: a row edited by hand: text where numbers belong, negative counts
    ("r3", JAN.format(6), 0, "gpt-5", "openai", "soon", "later", "x", -5, None, None, None, 0, "complete"),
    ("r3", JAN.format(6), 1, "o3", "openai", 0.1, 1.1, 10, 10, None, None, None, 0, "complete"),
]
VOTES = [
    ("r1", 1, "pick:0"),
    ("r1", 0, "tie"),
    ("r2", 1, "pick:1,2"),  # claude > my-model > gpt-5
    ("r2", 1, "pick:7"),  # no such pane: left out
    ("r2", 1, "hello"),  # no vote at all: left out
    ("r3", 1, "bad"),
]


def by_hand() -> list[RaceResult]:
    """The same races as ANSWERS and VOTES, as the neutral shape, priced by core.cost."""
    info = built_in().info
    gpt = cost(Usage(1000, 2000, 0, 0, 0), info("gpt-5"))
    claude = cost(Usage(2000, 400, None, 1500, 200), info("claude-opus-4-6"))
    return [
        RaceResult(
            "r1",
            datetime(2026, 1, 1, 10, tzinfo=UTC),
            (
                AnswerResult("gpt-5", "openai", 0.5, 2000 / 4.0, gpt),
                AnswerResult("claude-opus-4-6", "anthropic", None, None, None, failed=True),
            ),
            (Vote.pick(0), Vote.tie(blind=False)),
        ),
        RaceResult(
            "r2",
            datetime(2026, 1, 5, 10, tzinfo=UTC),
            (
                AnswerResult("gpt-5", "openai", 1.0, None, cost(Usage(0, 0, 0, 0, 0), info("gpt-5"))),
                AnswerResult("claude-opus-4-6", "anthropic", 2.0, 400 / 4.0, claude),
                AnswerResult("my-model", "openai", 1.0, 100 / 2.0, None),
            ),
            (Vote.pick(1, 2),),
        ),
        RaceResult(
            "r3",
            datetime(2026, 1, 6, 10, tzinfo=UTC),
            (
                AnswerResult("gpt-5", "openai", None, None, None),
                AnswerResult("o3", "openai", 0.1, 10.0, cost(Usage(10, 10), info("o3"))),
            ),
            (Vote.bad(),),
        ),
    ]


@pytest.mark.parametrize(
    "wanted",
    [
        StatsFilter(),
        StatsFilter(votes="sighted"),
        StatsFilter(since=datetime(2026, 1, 5, 10, tzinfo=UTC)),
        StatsFilter(until=datetime(2026, 1, 5, 10, tzinfo=UTC)),
        StatsFilter(models=frozenset({"gpt-5", "Claude-Opus-4-6"})),
        StatsFilter(models=frozenset({"o3"})),
        StatsFilter(models=frozenset({"nobody"})),
    ],
    ids=["all", "sighted", "since", "until", "two-models", "one-model", "no-model"],
)
def test_the_store_says_what_memory_says(wanted: StatsFilter) -> None:
    from_store = store_leaderboard(store(ANSWERS, VOTES), built_in(), wanted)
    from_memory = leaderboard(by_hand(), wanted)
    assert to_json(from_store) == to_json(from_memory)


def test_what_the_numbers_are() -> None:
    board = store_leaderboard(store(ANSWERS, VOTES), built_in())
    assert (board.races, board.votes, board.other_votes) == (3, 3, 1)
    rows = {row.model: row for row in board.rows}
    gpt = rows["gpt-5"]
    assert (gpt.answers, gpt.races, gpt.errors) == (3, 3, 0)
    assert gpt.tokens_per_s.median == pytest.approx(500.0)  # 2,000 tokens over 4 s; others unknown
    assert gpt.ttft.median == pytest.approx(0.75)  # 0.5 and 1.0; "soon" is no time
    # gpt-5 at $1.25 in / $10 out per million: 1,000 in + 2,000 out = 0.00125 + 0.02, and $0
    assert gpt.cost == pytest.approx((0.02125 + 0.0) / 2)
    # claude-opus-4-6: 2,000 in of which 1,500 cached ($0.50) and 200 written ($6.25), 300
    # fresh ($5), 400 out ($25): 0.0015 + 0.00075 + 0.00125 + 0.01 = 0.0135
    assert rows["claude-opus-4-6"].cost == pytest.approx(0.0135)
    assert rows["claude-opus-4-6"].error_rate == 0.5
    assert rows["my-model"].cost is None  # no price, not zero


def test_a_model_name_holding_the_separators_loses_only_its_votes() -> None:
    answers = [
        ("r", JAN.format(1), 0, "evil\x1e9\x1fname", "openai", 1.0, 2.0, 1, 1, 0, 0, 0, 0, "complete"),
        ("r", JAN.format(1), 1, "gpt-5", "openai", 1.0, 2.0, 1, 1, 0, 0, 0, 0, "complete"),
    ]
    board = store_leaderboard(store(answers, [("r", 1, "pick:0")]), built_in())
    assert board.races == 1 and len(board.rows) == 2
    assert all(row.rating is None for row in board.rows)


def test_an_empty_store() -> None:
    board = store_leaderboard(store([], []), built_in())
    assert board.rows == () and board.races == 0


PRICED = [*built_in().models, "gemini-2.5-pro", "unknown-model"]
COUNT = st.one_of(st.none(), st.integers(0, 400_000))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PRICED), COUNT, COUNT, COUNT, COUNT)
def test_sql_prices_equal_core_cost(
    model: str, prompt: int | None, out: int | None, read: int | None, written: int | None
) -> None:
    row = ("r", JAN.format(1), 0, model, "x", 1.0, 2.0, prompt, out, None, read, written, 0, "complete")
    board = store_leaderboard(store([row], []), built_in())
    expected = cost(Usage(prompt, out, None, read, written), built_in().info(model))
    # kept to a millionth of a millionth of a dollar
    assert board.rows[0].cost == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_a_race_of_more_panes_than_a_race_has_loses_its_votes() -> None:
    answers = [
        ("r", JAN.format(1), pane, f"m{pane}", "openai", 1.0, 2.0, 1, 1, 0, 0, 0, 0, "complete")
        for pane in range(12)
    ]
    board = store_leaderboard(store(answers, [("r", 1, "pick:0")]), built_in())
    assert board.races == 1 and len(board.rows) == 12
    assert all(row.rating is None for row in board.rows)


def test_the_rounds_of_a_race_are_one_race_in_the_store_and_in_memory() -> None:
    row = ("gpt-5", "openai", 0.5, 1.5, 10, 10, None, None, None, 0, "complete")
    other = ("o3", "openai", 0.5, 1.5, 10, 10, None, None, None, 0, "complete")
    answers = [
        ("7.1", JAN.format(1), 0, *row), ("7.1", JAN.format(1), 1, *other),
        ("7.2", JAN.format(1), 0, *row), ("7.2", JAN.format(1), 1, *other),
        ("8.1", JAN.format(2), 0, *row), ("8.1", JAN.format(2), 1, "gpt-5", *row[1:]),
    ]  # fmt: skip
    votes = [("7.1", 1, "pick:0"), ("7.2", 1, "pick:1")]
    from_store = store_leaderboard(store(answers, votes), built_in())
    gpt = AnswerResult("gpt-5", "openai", 0.5, 10.0, None)
    o3 = AnswerResult("o3", "openai", 0.5, 10.0, None)
    day = datetime(2026, 1, 1, 10, tzinfo=UTC)
    from_memory = leaderboard([
        RaceResult("7.1", day, (gpt, o3), (Vote.pick(0),)),
        RaceResult("7.2", day, (gpt, o3), (Vote.pick(1),)),
        RaceResult("8.1", day, (gpt, gpt)),
    ])  # fmt: skip
    rows = {row.model: (row.races, row.answers) for row in from_store.rows}
    assert from_store.races == 2 and rows == {"gpt-5": (2, 4), "o3": (1, 2)}
    assert from_memory.races == 2
    assert {row.model: (row.races, row.answers) for row in from_memory.rows} == rows
    assert from_store.votes == from_memory.votes == 2
