"""Usage under each answer: counts as the provider sent them, cost, estimates, and whose
output limit cut an answer; a reopened answer says the same from the stored facts."""

from __future__ import annotations

import pytest

from tests.ui.conftest import SIZE, chat, demo_app, ready, send
from tikhub_tui.ui.widgets.answer import AnswerView

pytestmark = pytest.mark.anyio


def meta(app: object) -> str:
    views = list(chat(app).query(AnswerView))  # type: ignore[arg-type]
    return str(views[-1].query_one("#meta").render())


async def test_cache_reasoning_and_cost_under_the_answer() -> None:
    app = demo_app()  # gpt-5 on the gateway
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "think: 4 cache-read: 1500 echo: from the cache")
        # 8 words + 1,500 cached in; 4 reasoning + 3 answer out:
        # (8 x 1.25 + 1,500 x 0.125 + 7 x 10) / 1M = $0.0002675
        assert meta(app) == (
            "gpt-5 · openai · 1,508 in (1,500 cached) / 7 out (4 reasoning) · $0.0003 · finished"
        )


async def test_an_unknown_price_shows_a_dash() -> None:
    app = demo_app(model="gpt-house-model")
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "echo: hi")
        assert meta(app) == "gpt-house-model · openai · 2 in / 1 out · — · finished"


async def test_a_dropped_stream_shows_an_estimate_marked_as_one() -> None:
    app = demo_app(max_retries=0)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "drop-after: 8 lorem: 50")
        line = meta(app)
        assert "~" in line and "(estimated)" in line and "≈$" in line


async def test_a_cut_by_the_default_limit_says_so_live_and_reopened() -> None:
    # Anthropic needs a limit: the model's own is sent (OpenAI and Gemini leave it to the model)
    settings = {
        "model": "claude-x",
        "provider": "anthropic",
        "catalogue": {"claude-x": {"max_output": 20}},
    }
    app = demo_app(**settings)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "lorem: 200")
        live = meta(app)
    words = "cut at the default limit (20 tokens, the model's maximum)"
    assert live.endswith(words)
    again = demo_app(**settings)
    async with again.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert meta(again) == live  # the same line from the stored facts


async def test_a_reopened_answer_shows_the_cost_it_showed_live() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "think: 4 cache-read: 1500 echo: from the cache")
        live = meta(app)
    assert "$0.0003" in live
    again = demo_app()
    async with again.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert meta(again) == live  # priced from the stored counts by today's catalogue
