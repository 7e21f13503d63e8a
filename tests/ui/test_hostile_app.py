"""Server and store text never drives the terminal through the chat app.

Hypothesis puts control and escape sequences into every place the app shows text from a server
or the store: the answer, its reasoning, its error, its metrics (the provider's stop reason),
the prompt and the session title of a saved session (reopened at start, as it is on every start),
the session list, search snippets and notices. After each step the screen is rendered as the
terminal would get it, and no piece of text (as opposed to the styles and cursor moves Textual
writes itself) holds an ESC, a C1 control or another control character.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual import events
from textual.app import App
from textual.strip import Strip

from tests.canary import STOP, sse, text_delta, thinking
from tests.conftest import FAKE_KEY
from tests.raw_server import RawServer, http_response
from tests.ui.conftest import SIZE, Notices, chat, quiet, send
from tikhub_tui.core.model import Usage
from tikhub_tui.core.store import Store
from tikhub_tui.ui.app import TikhubApp
from tikhub_tui.ui.widgets.answer import AnswerView
from tikhub_tui.ui.widgets.prompt import PromptArea

escape = st.builds(
    lambda intro, body, end: intro + body + end,
    st.sampled_from(["\x1b[", "\x1b]", "\x1bP", "\x9b", "\x9d", "\x1b", "\x90"]),
    st.sampled_from(["2J", "0;pwned", "52;c;cHduZWQ=", "8;;http://x", "?1049h", "31m", "H"]),
    st.sampled_from(["", "\x07", "\x1b\\", "\x9c"]),
)
hostile = st.lists(
    st.one_of(escape, st.text(max_size=6), st.sampled_from(["\r", "\x08", "\u202e", "\x00", "\x07"])),
    min_size=1,
    max_size=6,
).map(lambda parts: "needle " + "".join(parts))

CONTROL = {chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]} - {"\n"}


def shown_controls(app: App[Any]) -> set[str]:
    """The control characters in the text of the screen as it would be written to the terminal
    (segments that are Textual's own control codes are not text)."""
    strips: list[Strip] = app.screen._compositor.render_strips()
    found: set[str] = set()
    for strip in strips:
        for segment in strip:
            if segment.control is None:
                found.update(CONTROL.intersection(segment.text))
    return found


def hostile_app(url: str) -> TikhubApp:
    return TikhubApp(quiet(base_url=url, provider="anthropic", model="claude-x", max_retries=0))


def saved_session(title: str, prompt: str, answer: str, reasoning: str, error: str, stop: str) -> None:
    with Store.open() as store:
        session = store.create_session(title=title)
        store.add_message(session, "user", prompt)
        store.add_message(
            session, "assistant", answer, reasoning=reasoning, model="claude-x", provider="anthropic",
            usage=Usage(1, 2), status="error", error=error, finish_reason=stop,
        )


async def drive(texts: list[str]) -> None:
    title, prompt, answer, reasoning, error, stop = texts
    saved_session(title, prompt, answer, reasoning, error, stop)
    stop_event = {"type": "message_delta", "delta": {"stop_reason": stop}, "usage": {"output_tokens": 1}}
    failure = {"type": "error", "error": {"type": "x", "message": error}}
    replies = [
        http_response(200, [thinking(reasoning), text_delta(answer), sse("message_delta", stop_event), STOP]),
        http_response(200, [text_delta(answer), sse("error", failure)]),
        http_response(500, json.dumps({"error": {"message": error}}).encode(), content_type="application/json"),
    ]
    with RawServer(lambda request: replies[min(len(server.requests), 3) - 1]) as server:
        app = hostile_app(server.base_url)
        notices = Notices()
        async with app.run_test(size=SIZE, message_hook=notices) as pilot:
            await pilot.pause(0.3)
            await chat(app).settled.wait()
            await pilot.pause(0.2)
            assert shown_controls(app) == set(), "the reopened session"
            for _ in range(3):
                await send(pilot, prompt)
                assert shown_controls(app) == set(), "a streamed answer"
            box = chat(app).query_one(PromptArea)
            box.focus()
            for _ in range(4):  # back to the saved session's prompt, recalled from the store
                await pilot.press("up")
            box.post_message(events.Paste(answer))  # a clipboard holding escapes
            await pilot.pause(0.1)
            assert shown_controls(app) == set(), "a recalled and a pasted prompt"
            box.clear()
            app.notify(error, title=title)
            await pilot.pause(0.1)
            assert shown_controls(app) == set(), "a notice"
            app.clear_notifications()  # a toast on screen slows every key of the pilot down
            await pilot.press("ctrl+f")
            await pilot.pause(0.2)
            for char in "needle":
                await pilot.press(char)
            await pilot.pause(0.6)  # the search waits for typing to pause
            assert shown_controls(app) == set(), "search results"
            await pilot.press("escape")
            for view in chat(app).query(AnswerView):
                if view.has_reasoning:
                    view.query_one("#reasoning").collapsed = False  # type: ignore[attr-defined]
            await pilot.pause(0.2)
            assert shown_controls(app) == set(), "opened reasoning"


@pytest.fixture
def key_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIKHUB_API_KEY", FAKE_KEY)


@pytest.mark.timeout(600)  # five app sessions: on a loaded machine more than the default 120 s
@settings(max_examples=5)
@given(texts=st.lists(hostile, min_size=6, max_size=6))
def test_no_server_or_store_text_drives_the_terminal(key_in_env: None, texts: list[str]) -> None:
    asyncio.run(drive(texts))


def test_the_check_sees_an_escape_that_reaches_the_screen() -> None:
    """The property above can fail: a widget given raw text does put ESC into the output."""
    from textual.widgets import Static

    class Raw(App[None]):
        def compose(self) -> Any:
            yield Static("before \x1b]0;pwned\x07 after", markup=False)

    async def check() -> set[str]:
        async with Raw().run_test(size=(40, 5)) as pilot:
            await pilot.pause()
            return shown_controls(pilot.app)

    assert "\x1b" in asyncio.run(check())
