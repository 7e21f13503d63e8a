"""Regenerated answers and edited prompts are versions: the app shows `‹ 2/3 ›` on a message
that has others, Left/Right in the message selection flip between them, and the conversation
below follows the version chosen."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from tests.ui.conftest import SIZE, Notices, chat, demo_app, ready, send, until_idle, wait_until
from tikhub_tui.core.store import Store
from tikhub_tui.ui.widgets.answer import AnswerView
from tikhub_tui.ui.widgets.user_message import UserMessage

pytestmark = pytest.mark.anyio


def texts(app: object) -> list[str]:
    screen = chat(app)  # type: ignore[arg-type]
    return [w.text for w in screen.transcript.query("UserMessage, AnswerView")]  # type: ignore[attr-defined]


def position(answer: AnswerView) -> str:
    box = answer.query_one("#position", Static)
    return str(box.render()) if box.display else ""


async def test_flipping_between_regenerated_answers_and_edited_prompts() -> None:
    notices = Notices()
    app = demo_app()
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        await send(pilot, "echo: first answer")
        await send(pilot, "echo: follow-up")
        screen = chat(app)
        await pilot.press("ctrl+r")  # a second answer to the follow-up
        await until_idle(pilot)
        answers = list(screen.query(AnswerView))
        await wait_until(pilot, lambda: position(answers[-1]).startswith("‹ 2/2 ›"), "2/2")
        assert position(answers[0]) == ""
        # select the last answer and flip to the older version, then back
        await pilot.press("ctrl+up")
        await pilot.pause()
        await pilot.press("left")
        await wait_until(
            pilot, lambda: position(list(screen.query(AnswerView))[-1]).startswith("‹ 1/2 ›"),
            "the older answer shown",
        )
        assert screen.transcript.has_focus
        assert screen.transcript.selected is list(screen.query(AnswerView))[-1]
        await pilot.press("left")  # there is no older one: it says so
        await wait_until(pilot, lambda: bool(notices.about("first of 2")), "the notice")
        await pilot.press("right")
        await wait_until(
            pilot, lambda: position(list(screen.query(AnswerView))[-1]).startswith("‹ 2/2 ›"),
            "the newer answer shown",
        )
        # edit the first prompt: the new branch has no follow-up; flipping back brings it
        await pilot.press("escape")
        first = screen.query(UserMessage).first()
        screen.action_edit_prompt(first)
        prompt = screen.query_one("#prompt")
        prompt.load_text("echo: edited")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await until_idle(pilot)
        assert texts(app) == ["echo: edited", "edited"]
        edited = screen.query_one(UserMessage)
        await wait_until(pilot, lambda: edited.position == (2, 2), "the edited prompt is 2/2")
        assert "‹ 2/2 ›" in str(edited.render())
        await pilot.press("ctrl+up", "up")
        await pilot.pause()
        assert screen.transcript.selected is edited
        await pilot.press("left")
        await wait_until(pilot, lambda: len(texts(app)) == 4, "the old branch shown")
        assert texts(app)[0] == "echo: first answer"
        assert texts(app)[2] == "echo: follow-up"
        session_id = screen.chat.session_id
        assert session_id is not None
    with Store.open() as store:  # the version shown is the session's active branch
        assert store.messages(session_id)[0].text == "echo: first answer"
    again = demo_app()
    async with again.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert texts(again)[0] == "echo: first answer"
        await wait_until(
            pilot, lambda: chat(again).query(UserMessage).first().position == (1, 2), "1/2"
        )


async def test_a_message_without_versions_says_how_to_make_one() -> None:
    notices = Notices()
    app = demo_app()
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        await send(pilot, "echo: only")
        await pilot.press("ctrl+up", "right")
        await wait_until(pilot, lambda: bool(notices.about("no other version")), "the notice")
