"""The fold of an answer's events into its metrics: one table of events and times per case.

The recorded wire streams of the three protocols end in the same words (done, token limit,
filtered, refused, cut off, stopped, error), and the times, tokens and rates are those the
events say, with no clock read and nothing stored.
"""

from __future__ import annotations

import pytest

from tests.core.conftest import decode_bytes, recorded
from tikhub_tui.core.errors import ApiError
from tikhub_tui.core.model import (
    ErrorEvent,
    Finished,
    ReasoningDelta,
    TextDelta,
    Usage,
    UsageUpdate,
)
from tikhub_tui.core.tally import Cancelled, Count, ExchangeEvent, Failed, Responded, Tally


def fold(*timed: tuple[float, ExchangeEvent], end: float | None = None) -> Tally:
    """A tally started at 10.0 s with each (time, event) folded in; `end` ends it."""
    tally = Tally(10.0)
    for at, event in timed:
        tally.step(event, at)
    if end is not None:
        tally.end(end)
    return tally


def test_a_reasoning_answer_has_every_time_and_its_own_rates() -> None:
    tally = fold(
        (10.5, Responded()),
        (11.0, ReasoningDelta("think " * 100)),  # about 100 tokens of reasoning
        (13.0, TextDelta("word " * 200)),  # about 200 tokens of answer
        (14.0, TextDelta("word " * 200)),
        (17.0, Finished("stop", "end_turn")),
        end=17.0,
    )
    assert (tally.ttfb, tally.ttft, tally.to_reasoning, tally.to_answer) == (0.5, 1.0, 1.0, 3.0)
    assert tally.duration(99.0) == 7.0
    assert tally.reasoning_tokens == Count(100, estimated=True)
    assert tally.answer_tokens == Count(400, estimated=True)
    assert tally.output_tokens == Count(500, estimated=True)
    assert tally.reasoning_rate(99.0) == pytest.approx(100 / 2.0)  # up to the first answer token
    assert tally.answer_rate(99.0) == pytest.approx(400 / 4.0)  # up to the end
    assert (tally.ending, tally.status, tally.finish_reason) == ("done", "complete", "end_turn")


def test_the_providers_counts_replace_the_estimates_as_they_arrive() -> None:
    tally = fold((11.0, ReasoningDelta("x " * 10)), (12.0, TextDelta("y " * 10)))
    assert tally.output_tokens == Count(20, estimated=True)
    tally.step(UsageUpdate(Usage(7, None, 30)), 12.5)
    assert tally.reasoning_tokens == Count(30, estimated=False)
    assert tally.output_tokens.estimated
    tally.step(UsageUpdate(Usage(None, 55)), 13.0)
    assert tally.output_tokens == Count(55, estimated=False)
    assert tally.usage == Usage(7, 55, 30)
    assert str(Count(1234, True)) == "~1,234" and str(Count(1234, False)) == "1,234"


def test_without_reasoning_the_answer_count_is_the_providers_output() -> None:
    tally = fold((11.0, TextDelta("y" * 40)), (12.0, UsageUpdate(Usage(3, 42))), end=13.0)
    assert tally.answer_tokens == Count(42, estimated=False)
    assert tally.tokens_per_second(99.0) == pytest.approx(42 / 2.0)


def test_while_it_streams_the_rates_and_duration_run_to_now() -> None:
    tally = fold((10.2, Responded()), (11.0, TextDelta("word " * 100)))
    assert tally.phase == "answering" and tally.ending is None
    assert tally.duration(15.0) == 5.0
    assert tally.answer_rate(15.0) == pytest.approx(100 / 4.0)


def test_phases_in_order() -> None:
    tally = Tally(0.0)
    phases = [tally.phase]
    tally.step(Responded(), 1.0)
    phases.append(tally.phase)
    tally.step(ReasoningDelta("hmm"), 2.0)
    phases.append(tally.phase)
    tally.step(TextDelta("so"), 3.0)
    phases.append(tally.phase)
    tally.end(4.0)
    phases.append(tally.phase)
    assert phases == ["waiting", "responded", "thinking", "answering", "ended"]


def test_a_first_token_counts_as_the_first_byte_when_no_response_was_reported() -> None:
    tally = fold((12.0, TextDelta("hi")))
    assert tally.ttfb == 2.0 and tally.to_reasoning is None


@pytest.mark.parametrize(
    ("events", "ending", "status"),
    [
        ([Finished("stop", "STOP")], "done", "complete"),
        ([Finished("max_tokens", "max_tokens")], "token_limit", "stopped"),
        ([Finished("content_filter", "SAFETY")], "filtered", "stopped"),
        ([Finished("content_filter", "refusal")], "refused", "stopped"),
        ([Finished("other", "pause_turn")], "cut_off", "stopped"),
        ([Failed(ApiError("ended_early", "dropped"))], "cut_off", "incomplete"),
        ([Failed(ApiError("upstream", "blocked", code="blocked"))], "refused", "error"),
        ([Failed(ApiError("rate_limit", "slow down"))], "error", "error"),
        ([ErrorEvent("overloaded", "overloaded_error")], "error", "error"),
        ([Cancelled()], "stopped", "stopped"),
        ([], "cut_off", "incomplete"),  # over, with neither an end event nor an error
    ],
)
def test_every_ending_in_one_vocabulary(
    events: list[ExchangeEvent], ending: str, status: str
) -> None:
    tally = fold((11.0, TextDelta("some text")), *((12.0, e) for e in events), end=13.0)
    assert (tally.ending, tally.status) == (ending, status)


def test_a_cancel_and_an_error_end_the_answer_where_they_happen() -> None:
    tally = fold((11.0, TextDelta("a")), (12.0, Cancelled()), (15.0, Cancelled()))
    assert tally.ended == 12.0 and tally.finish_reason == "cancelled"
    failed = fold((11.0, Failed(ApiError("network", "gone"))), end=20.0)
    assert failed.ended == 11.0 and failed.error_message == "gone"


@pytest.mark.parametrize(
    ("provider", "wire", "ending"),
    [
        ("openai", "openai_reasoning.sse", "done"),
        ("openai", "openai_incomplete.sse", "token_limit"),
        ("openai", "openai_failed.sse", "error"),
        ("anthropic", "anthropic_thinking.sse", "done"),
        ("anthropic", "anthropic_max_tokens.sse", "token_limit"),
        ("anthropic", "anthropic_error.sse", "error"),
        ("gemini", "gemini_thought.sse", "done"),
        ("gemini", "gemini_max_tokens.sse", "token_limit"),
        ("gemini", "gemini_blocked.sse", "refused"),
    ],
)
def test_recorded_streams_of_each_protocol_end_in_the_same_words(
    provider: str, wire: str, ending: str
) -> None:
    tally = Tally(0.0)
    for n, event in enumerate(decode_bytes(provider, recorded(wire)), start=1):
        tally.step(event, float(n))
    tally.end(100.0)
    assert tally.ending == ending
    if ending == "done":  # each of these streams thinks, then answers
        assert tally.to_reasoning is not None and tally.to_answer is not None
        assert tally.to_reasoning < tally.to_answer
        assert not tally.reasoning_tokens.estimated or provider == "anthropic"
