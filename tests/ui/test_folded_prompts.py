"""A long pasted prompt is folded in the transcript to its first lines and how many more
there are; Enter in the message selection or a click unfolds it, and nothing is lost."""

from __future__ import annotations

import pytest

from tests.ui.conftest import SIZE, chat, demo_app, ready, send
from tikhub_tui.core.store import Store
from tikhub_tui.ui.widgets.user_message import SHOWN_LINES, UserMessage, folded

pytestmark = pytest.mark.anyio

LONG = "tps: 0 lorem: 5\n" + "\n".join(f"log line {n}" for n in range(1, 3000))


def shown(message: UserMessage) -> str:
    return str(message.render())


async def test_a_3000_line_prompt_is_folded_and_unfolds() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, LONG)
        screen = chat(app)
        message = screen.query_one(UserMessage)
        text = shown(message)
        assert "log line 7" in text and "log line 8\n" not in text
        assert f"… {3000 - SHOWN_LINES:,} more lines" in text
        assert message.region.height < 15
        await pilot.press("ctrl+up", "up")  # the answer, then the prompt
        await pilot.pause()
        assert screen.transcript.selected is message
        await pilot.press("enter")
        await pilot.pause()
        assert "log line 2999" in shown(message) and "more lines" not in shown(message)
        await pilot.press("enter")
        await pilot.pause()
        assert "more lines" in shown(message)
        await pilot.click(message)
        await pilot.pause()
        assert "log line 2999" in shown(message)
        assert message.text == LONG  # copying and editing take the whole prompt
    with Store.open() as store:
        (summary,) = store.list_sessions()
        assert store.messages(summary.id)[0].text == LONG
    again = demo_app()
    async with again.run_test(size=SIZE) as pilot:  # reopened: folded again
        await ready(pilot)
        assert "more lines" in shown(chat(again).query_one(UserMessage))


def test_what_is_folded() -> None:
    assert folded("short\nprompt") is None
    assert folded("\n".join("x" * 15)) is None
    head, more = folded("\n".join(str(n) for n in range(16))) or ("", "")
    assert head == "\n".join(str(n) for n in range(SHOWN_LINES))
    assert more.startswith("… 8 more lines")
    head, more = folded("y" * 10_000) or ("", "")  # one huge line: by characters
    assert len(head) < 10_000 and f"{10_000 - len(head):,} more characters" in more
