"""Tokens per second while a race streams, before the provider's count: the estimate follows
the pace the gateway was asked for in all three protocols, is the same however the text was
split into reads, and stays marked as an estimate when the answer never gets its count."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import FAKE_KEY
from tikhub_tui.core.answer_tokens import AnswerTokens, estimate_answer
from tikhub_tui.core.client import ChatClient, ClientSettings
from tikhub_tui.core.race.board import numbers, rate
from tikhub_tui.core.race.panes import PaneSpec
from tikhub_tui.core.race.race import Race
from tikhub_tui.core.race.runner import Round
from tikhub_tui.gateway import answer_text

TPS = 40
PROMPT = f"tps: {TPS} lorem: 400"
PANES = [
    PaneSpec("gpt-5", "openai"),
    PaneSpec("claude-sonnet-4-5", "anthropic"),
    PaneSpec("gemini-2.5-flash", "gemini"),
]


def test_the_live_rate_follows_the_pace_asked_for_in_every_protocol(gateway_url: str) -> None:
    race = Race(PANES, store=None)
    with ChatClient(ClientSettings(base_url=gateway_url, max_retries=0), FAKE_KEY) as http:
        exchanges = race.start_round(PROMPT)
        running = Round(race, exchanges, http)
        try:
            deadline = time.monotonic() + 60
            # two seconds of text (80 tokens at 40 a second): a stall of the loaded machine
            # before the first token reads then weighs little against it
            while any(e.tally.text_estimate < 2 * TPS for e in exchanges):
                assert time.monotonic() < deadline, "the answers did not stream"
                time.sleep(0.05)
            now = time.monotonic()
            live = [numbers(lane.label, e, now) for lane, e in zip(race.lanes, exchanges, strict=True)]
            for exchange, figure in zip(exchanges, live, strict=True):
                assert figure.live, figure
                counted = exchange.tally.usage.output_tokens is not None  # Gemini counts live
                assert figure.answer_rate_estimated is not counted
                assert figure.answer_rate is not None
                # never much faster than asked; slower only when the machine is loaded
                assert TPS * 0.4 < figure.answer_rate < TPS * 1.3, (exchange.provider, figure)
        finally:
            running.cancel()
            running.wait(60)
    for exchange in exchanges:  # stopped: no provider count ever came for OpenAI's
        figure = numbers("A", exchange, time.monotonic())
        assert figure.ending == "stopped"
        if exchange.provider != "gemini":
            assert figure.answer_rate_estimated and figure.output.estimated
            assert rate(figure.answer_rate, figure.answer_rate_estimated).startswith("~")


@pytest.mark.parametrize("provider", ["openai", "anthropic", "gemini"])
def test_the_estimate_is_near_the_providers_count(gateway_url: str, provider: str) -> None:
    model = {"openai": "gpt-5", "anthropic": "claude-sonnet-4-5", "gemini": "gemini-2.5-flash"}
    race = Race([PaneSpec(model[provider], provider)] * 2, store=None)
    with ChatClient(ClientSettings(base_url=gateway_url, max_retries=0), FAKE_KEY) as http:
        exchanges = race.start_round("tps: 0 lorem: 800")
        assert Round(race, exchanges, http).wait(60)
    tally = exchanges[0].tally
    assert exchanges[0].text == answer_text("lorem: 800")
    counted = tally.usage.output_tokens
    assert counted is not None and not tally.usage.estimated
    assert tally.text_estimate == estimate_answer(exchanges[0].text)
    assert counted * 0.8 < tally.text_estimate < counted * 1.25, (tally.text_estimate, counted)


@given(st.text(max_size=300), st.lists(st.integers(min_value=1, max_value=40), max_size=30))
def test_the_estimate_is_the_same_however_the_text_is_split(text: str, cuts: list[int]) -> None:
    counter, start = AnswerTokens(), 0
    for size in cuts:  # read after each piece: it is counted then, its end held back
        counter.add(text[start : start + size])
        assert counter.value >= 0
        start += size
    counter.add(text[start:])
    assert counter.value == estimate_answer(text)
