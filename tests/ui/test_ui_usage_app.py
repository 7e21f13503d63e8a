"""Usage around the prompt: the session's running total in the header, how full the context
window is (before sending and as the user types) and a prompt too long for it refused."""

from __future__ import annotations

import pytest

from tests.ui.conftest import (
    SIZE,
    Notices,
    chat,
    demo_app,
    focused_prompt,
    ready,
    send,
    wait_until,
)
from tikhub_tui.ui.widgets.answer import AnswerView
from tikhub_tui.ui.widgets.context_line import ContextLine
from tikhub_tui.ui.widgets.prompt import PromptArea

pytestmark = pytest.mark.anyio

CACHED = "think: 4 cache-read: 1500 echo: from the cache"
"""8 words and 1,500 cached tokens in, 4 reasoning and 3 answer tokens out (see test_ui_usage)."""


def status(app: object) -> str:
    return str(chat(app).query_one("#status").render())  # type: ignore[arg-type]


def context(app: object) -> str:
    return str(chat(app).query_one(ContextLine).render())  # type: ignore[arg-type]


async def test_the_running_total_and_the_context_line_live_and_reopened() -> None:
    app = demo_app()  # gpt-5: 400,000 tokens of context
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        screen = chat(app)
        assert "session" not in status(app)  # a new session has nothing to add up
        assert context(app) == "context window 400,000 tokens"  # nothing said yet
        await send(pilot, "echo: hi")  # 2 in / 1 out: $0.0000125
        await send(pilot, CACHED)
        # the second prompt is 1,511 tokens (1,500 cached) with the history, 7 out: 1,518
        total = "1,521 tokens, $0.0003"  # $0.0000125 + $0.00027125
        await wait_until(pilot, lambda: "1,521" in status(app), "the total")
        assert status(app) == f"gpt-5 · openai · DEMO: local gateway · session: {total}"
        # the provider's count of the last answer: its prompt and itself
        assert context(app) == "context 0% (1,518 of 400,000 tokens)"
        await focused_prompt(pilot)
        await pilot.press("a", "b", "c")  # one token, and the turn's four
        assert context(app) == "context 0% (~1,523 of 400,000 tokens)"
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: screen.chat.session_id is None, "a new session")
        await wait_until(pilot, lambda: "session" not in status(app), "no total")
    again = demo_app()
    async with again.run_test(size=SIZE) as pilot:
        await ready(pilot)
        screen = chat(again)
        await wait_until(pilot, lambda: "session" in status(again), "the reopened total")
        assert status(again).endswith(f" · session: {total}")
        assert context(again).startswith("context 0% (~1,523 of")  # the draft came back too


async def test_an_oversize_prompt_is_refused_before_any_request() -> None:
    notices = Notices()
    app = demo_app(
        model="gpt-tiny",
        catalogue={"gpt-tiny": {"context_window": 50}},
        keymap={"new-session": "f5"},
    )
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        prompt = await focused_prompt(pilot)
        prompt.load_text("word " * 100)  # 500 characters: 125 tokens and the turn's 4
        await pilot.pause()
        line = chat(app).query_one(ContextLine)
        assert context(app) == "context 258% (~129 of 50 tokens); too long for this model"
        assert line.has_class("-over")
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(notices.about("Not sent")), "the refusal")
        (refusal,) = notices.about("Not sent")
        assert refusal.startswith(
            "Not sent: the conversation is about 129 tokens, more than gpt-tiny's context "
            "window (50). Start a new session (F5); or branch from an earlier message "
            "(Ctrl+Up, then b); or pick a model with a larger window (Ctrl+L: gpt-"
        )
        assert prompt.text == "word " * 100  # kept, to shorten or to send elsewhere
        assert not list(chat(app).query(AnswerView))
        assert app._gateway is not None and app._gateway.bench.records() == []
        prompt.load_text("echo: short")  # what fits goes
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: not chat(app).streaming and bool(list(chat(app).query(AnswerView))),
            "the answer",
        )
        assert chat(app).query_one(PromptArea).text == ""
