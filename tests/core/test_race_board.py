"""A race's figures in one vocabulary: statuses, endings, badges and the tables."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tikhub_tui.core.catalogue import built_in
from tikhub_tui.core.errors import ApiError
from tikhub_tui.core.exchange import Exchange, Prompt
from tikhub_tui.core.model import Finished, ReasoningDelta, TextDelta, Usage, UsageUpdate
from tikhub_tui.core.race.board import (
    COLUMNS,
    PaneNumbers,
    badges,
    markdown_table,
    numbers,
    status_of,
    table_rows,
    text_table,
)
from tikhub_tui.core.tally import Cancelled, Count, Failed, Responded


def exchange() -> Exchange:
    return Exchange(Prompt("hi"), [], "gpt-5", "openai", clock=lambda: 0.0)


@pytest.mark.parametrize(
    ("events", "status", "ending"),
    [
        ([], "waiting", None),
        ([Responded()], "waiting", None),
        ([ReasoningDelta("hmm")], "thinking", None),
        ([ReasoningDelta("hmm"), TextDelta("yes")], "streaming", None),
        ([TextDelta("yes"), Finished("stop", "completed")], "done", "done"),
        ([TextDelta("yes"), Finished("max_tokens", "max_output_tokens")], "cut", "token_limit"),
        ([TextDelta("yes"), Finished("content_filter", "SAFETY")], "cut", "filtered"),
        ([Finished("content_filter", "refusal")], "error", "refused"),
        ([TextDelta("ye"), Cancelled()], "stopped", "stopped"),
        ([Failed(ApiError("rate_limit", "slow down"))], "error", "error"),
        ([TextDelta("ye"), Failed(ApiError("ended_early", "dropped"))], "cut", "cut_off"),
    ],
)
def test_status_and_ending_in_one_vocabulary(
    events: list[object], status: str, ending: str | None
) -> None:
    ex = exchange()
    for at, event in enumerate(events, start=1):
        ex.tally.step(event, float(at))  # type: ignore[arg-type]
    if any(isinstance(e, Finished) for e in events):
        ex.tally.end(10.0)
    assert status_of(ex) == status
    assert ex.tally.ending == ending


def test_queued_until_its_request_goes_out() -> None:
    assert status_of(exchange(), queued=True) == "queued"
    assert numbers("A", exchange(), 5.0, queued=True).elapsed == 0.0


def test_the_figures_of_an_answer() -> None:
    info = built_in().info("gpt-5")
    ex = Exchange(Prompt("hi"), [], "gpt-5", "openai", info=info, clock=lambda: 0.0)
    tally = ex.tally
    tally.started = 1.0
    tally.step(Responded(), 1.2)
    tally.step(ReasoningDelta("a " * 40), 1.5)
    tally.step(TextDelta("b " * 200), 2.5)
    tally.step(UsageUpdate(Usage(10, 150, 50)), 6.5)
    tally.step(Finished("stop", "completed"), 6.5)
    tally.end(6.5)
    got = numbers("A", ex, 9.0)
    assert (got.first_byte, got.to_reasoning, got.to_answer) == pytest.approx((0.2, 0.5, 1.5))
    assert got.answer_rate == pytest.approx(100 / 4.0)  # 150 out less 50 reasoning, over 4 s
    assert got.reasoning_rate == pytest.approx(50 / 1.0)
    assert got.elapsed == pytest.approx(5.5)
    assert (got.output, got.reasoning) == (Count(150, False), Count(50, False))
    assert got.cost == pytest.approx((10 * 1.25 + 150 * 10.0) / 1e6) and not got.cost_estimated
    assert got.status == "done" and got.first_token == pytest.approx(0.5)


def test_counts_are_estimates_until_the_provider_counts() -> None:
    ex = exchange()
    ex.tally.step(TextDelta("word " * 40), 1.0)
    got = numbers("A", ex, 2.0)
    assert got.output.estimated and got.output.value > 0 and str(got.output).startswith("~")
    assert got.input_tokens is not None and got.input_tokens.estimated
    assert got.cost_estimated


def pane(label: str, **changes: object) -> PaneNumbers:
    base = PaneNumbers(
        label=label, model="m", provider="openai", status="done", ending="done",
        first_byte=0.1, to_reasoning=None, to_answer=0.5, answer_rate=50.0, reasoning_rate=None,
        elapsed=3.0, input_tokens=Count(10, False), output=Count(100, False),
        reasoning=Count(0, False), cost=0.01, cost_estimated=False, finish_reason="completed",
        error="",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_badges_go_to_the_best_whole_answers() -> None:
    panes = [
        pane("A", to_answer=0.2, answer_rate=40.0, elapsed=5.0, cost=0.02),
        pane("B", to_answer=0.9, answer_rate=90.0, elapsed=2.0, cost=0.03),
        pane("C", to_answer=0.4, answer_rate=60.0, elapsed=4.0, cost=0.001),
        # the quickest to start and fastest, but failed: only its first token counts
        pane("D", status="error", ending="error", to_answer=None, to_reasoning=0.1,
             answer_rate=500.0, elapsed=0.5, cost=None),
    ]
    assert badges(panes) == [[], ["fastest", "first done"], ["cheapest"], ["first token"]]


def test_a_cut_answer_can_be_fastest_but_not_first_done_or_cheapest() -> None:
    panes = [pane("A", ending="token_limit", status="cut", answer_rate=99.0, elapsed=1.0, to_answer=0.9,
                  cost=0.0001), pane("B", to_answer=0.3)]
    assert badges(panes) == [["fastest"], ["first token", "first done", "cheapest"]]


def test_a_retried_pane_takes_no_speed_badge_from_panes_that_raced_from_the_start() -> None:
    panes = [
        pane("A", to_answer=0.9, answer_rate=40.0, elapsed=5.0, cost=0.03),
        # retried: a warm connection, its clock from the retry: quickest on every count
        pane("B", retried=True, to_answer=0.05, answer_rate=90.0, elapsed=1.0, cost=0.01),
        pane("C", to_answer=0.5, answer_rate=60.0, elapsed=6.0, cost=0.02),
    ]
    assert badges(panes) == [["first done"], ["cheapest"], ["first token", "fastest"]]
    # when every pane was retried, they compare among themselves
    again = [replace(p, retried=True) for p in panes]
    assert badges(again) == [[], ["first token", "fastest", "first done", "cheapest"], []]


def test_ties_go_to_the_first_pane_and_a_lone_pane_wins_nothing() -> None:
    assert badges([pane("A"), pane("B")])[0] == ["first token", "fastest", "first done",
                                                  "cheapest"]
    assert badges([pane("A")]) == [[]]


def test_the_tables_mark_estimates_and_escape_cells() -> None:
    panes = [pane("A", model="gpt|5", output=Count(100, True), cost_estimated=True),
             pane("B", ending="cut_off", status="cut")]
    rows = table_rows(panes, badges(panes))
    assert rows[0][COLUMNS.index("out")] == "~100"
    assert rows[0][COLUMNS.index("cost")].startswith("≈$")
    assert rows[1][COLUMNS.index("ended")] == "cut off"
    markdown = markdown_table(COLUMNS, rows)
    assert "gpt\\|5" in markdown and markdown.count("\n") == 3
    text = text_table(COLUMNS, rows).splitlines()
    assert len(text) == 3 and len({line.index("provider") for line in text[:1]}) == 1
