"""The canary suite of the chat app: its error paths against servers that echo the key.

The notices, the screen (every piece of text the terminal would get) and every file of the
data and config dirs are checked for the key (see tests/leaks.py), whatever place of the
answer the server put it in and however it dressed it. And a stream whose store fails in any
way still ends: the text stays on screen, the user is told, Esc and new prompts work.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App

from tests.canary import SCENARIOS, Scenario
from tests.conftest import FAKE_KEY
from tests.leaks import shows_key
from tests.raw_server import RawServer
from tests.ui.conftest import SIZE, Notices, chat, demo_app, last_answer, quiet, send
from tikhub_tui.core.exchange import Exchange
from tikhub_tui.core.paths import config_dir, data_dir
from tikhub_tui.core.store.writer import AnswerWriter
from tikhub_tui.ui.app import TikhubApp
from tikhub_tui.ui.widgets.answer import AnswerView

pytestmark = pytest.mark.anyio

APP_SCENARIOS = [
    s
    for s in SCENARIOS
    if s.name
    in {
        "status-line", "header-line", "content-type", "location", "401-json", "500-gzip",
        "split-text", "error-event", "event-name", "stop-reason", "reasoning", "dropped",
    }
]


def screen_text(app: App[Any]) -> str:
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def files_show_key() -> list[str]:
    return [
        str(path)
        for root in (config_dir(), data_dir())
        for path in root.rglob("*")
        if path.is_file() and shows_key(path.read_bytes(), FAKE_KEY)
    ]


@pytest.mark.parametrize("scenario", APP_SCENARIOS, ids=lambda s: s.name)
async def test_no_error_path_of_the_app_shows_the_key(
    scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIKHUB_API_KEY", FAKE_KEY)
    with RawServer(scenario.respond) as server:
        settings = quiet(base_url=server.base_url, provider="anthropic", model="claude-x", max_retries=0)
        app = TikhubApp(settings)
        notices = Notices()
        async with app.run_test(size=SIZE, message_hook=notices) as pilot:
            await send(pilot, "tell me")
            for view in chat(app).query(AnswerView):
                view.query_one("#reasoning").collapsed = False  # type: ignore[attr-defined]
            await pilot.pause(0.2)
            shown = screen_text(app)
            answer = last_answer(app)
            texts = [answer.text, answer.reasoning, str(answer.query_one("#error").render())]
    assert server.requests and server.requests[0].key == FAKE_KEY
    assert "tell me" in shown  # the screen was read
    for text in [*notices.messages, shown, *texts]:
        assert not shows_key(text, FAKE_KEY), text
    assert not files_show_key()


@pytest.mark.parametrize(
    "failure",
    [UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed"), RuntimeError("boom"), MemoryError()],
    ids=["unicode", "runtime", "memory"],
)
async def test_a_stream_whose_store_fails_in_any_way_still_ends(
    failure: Exception, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_: object, **__: object) -> None:
        raise failure

    for name in ("append", "finish", "close"):
        monkeypatch.setattr(AnswerWriter, name, explode)
    app = demo_app()
    notices = Notices()
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        await send(pilot, "lorem: 60")  # waits until the stream has ended
        assert last_answer(app).text.rstrip().endswith("END 60")  # the text stayed
        assert notices.about("could not be saved")
        assert not chat(app).streaming
        assert "NOT SAVING" in str(chat(app).query_one("#status").render())
        await send(pilot, "echo: and the next prompt works")
        assert last_answer(app).text == "and the next prompt works"


async def test_a_stream_whose_end_fails_still_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_finish(self: Exchange, patience: float = 0) -> None:
        raise RuntimeError("the end went wrong")

    monkeypatch.setattr(Exchange, "finish", broken_finish)
    app = demo_app()
    notices = Notices()
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        await send(pilot, "echo: still shown")
        assert last_answer(app).text == "still shown" and not chat(app).streaming
        assert notices.about("the end went wrong")
