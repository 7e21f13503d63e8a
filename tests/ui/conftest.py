"""Helpers for the UI tests: the demo app, driving the chat (send, wait for an answer), notices."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from textual.message import Message
from textual.notifications import Notify
from textual.pilot import Pilot
from textual.screen import Screen

from tikhub_tui.core.settings import Settings
from tikhub_tui.ui.app import TikhubApp
from tikhub_tui.ui.screens.chat import ChatScreen
from tikhub_tui.ui.widgets.answer import AnswerView
from tikhub_tui.ui.widgets.prompt import PromptArea

ScreenT = TypeVar("ScreenT", bound=Screen[Any])

SIZE = (120, 40)
"""The terminal most UI tests run in."""
NARROW = (80, 24)
"""An 80x24 terminal (an SSH window): the sidebar starts hidden."""


def quiet(**settings: object) -> Settings:
    """Settings for screens that look the same on every run: no cursor blink, no timings."""
    return Settings(cursor_blink=False, show_timings=False, **settings)  # type: ignore[arg-type]


def demo_app(**settings: object) -> TikhubApp:
    """The app on its embedded gateway, with quiet settings (see `quiet`)."""
    return TikhubApp(quiet(**settings), demo=True)


def last_answer(app: object) -> AnswerView:
    """The newest answer on the chat screen (there must be one)."""
    answer = chat(app).chat.last_answer()  # type: ignore[arg-type]
    assert answer is not None, "there is no answer on the chat screen"
    return answer


def answered(screen: ChatScreen) -> bool:
    """An answer is on the chat screen and nothing streams any more."""
    return screen.chat.last_answer() is not None and not screen.streaming


def chat(app: TikhubApp) -> ChatScreen:
    screen = app.screen
    assert isinstance(screen, ChatScreen), f"the chat screen is not active: {screen!r}"
    return screen


async def ready(pilot: Pilot[None]) -> None:
    """Wait until the app has its gateway access and has reopened the last session."""
    app = pilot.app
    assert isinstance(app, TikhubApp)
    await app.access_ready.wait()
    if isinstance(app.screen, ChatScreen):
        await app.screen.settled.wait()  # the last session is reopened after the first frame
    await pilot.pause()


async def settle(pilot: Pilot[None]) -> None:
    """Let the screen update, every worker finish, and the screen update again."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_screen(pilot: Pilot[None], key: str, kind: type[ScreenT]) -> ScreenT:
    """Press `key` and return the screen of `kind` it opened, settled."""
    await pilot.press(key)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, kind), f"{key} opened {screen!r}"
    return screen


async def still(pilot: Pilot[None]) -> None:
    """What a snapshot should show: everything settled and the start-up notices gone."""
    await settle(pilot)
    pilot.app.clear_notifications()
    await pilot.pause()


async def focused_prompt(pilot: Pilot[None]) -> PromptArea:
    """Wait until the app is ready, then give the prompt the focus (as it has at start)."""
    await ready(pilot)
    prompt = chat(pilot.app).query_one(PromptArea)  # type: ignore[arg-type]
    prompt.focus()
    return prompt


async def send(pilot: Pilot[None], text: str, *, wait: bool = True) -> None:
    """Type a prompt as the user would and press Enter."""
    prompt = await focused_prompt(pilot)
    prompt.load_text(text)
    await pilot.press("enter")
    if wait:
        await until_idle(pilot)


async def until_idle(pilot: Pilot[None], timeout: float = 30) -> None:
    """Wait until no answer is streaming, then let the screen settle."""
    app = pilot.app
    assert isinstance(app, TikhubApp)
    deadline = time.monotonic() + timeout
    await pilot.pause(0.05)
    while chat(app).streaming:
        assert time.monotonic() < deadline, "the answer did not end in time"
        await pilot.pause(0.05)
    await pilot.pause(0.1)


async def wait_until(
    pilot: Pilot[None], condition: Callable[[], bool], what: str, timeout: float = 60
) -> None:
    """Pause until `condition` holds (a worker thread is not awaitable), `timeout` s at most:
    a bound for a condition that never comes, generous because a loaded machine (test workers
    on two cores) can stall a worker for many seconds; a passing wait ends when it holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting for {what}")
        await pilot.pause(0.05)


class Notices:
    """Collects the app's notifications through the test message hook."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def __call__(self, message: Message) -> None:
        if isinstance(message, Notify):
            self.messages.append(message.notification.message)

    def about(self, word: str) -> list[str]:
        return [m for m in self.messages if word in m]
