"""No SQLite on the UI thread: every store call the app makes, watched, from start to search.

The store's methods (and opening one) are wrapped for the test; a call made from the thread
that runs the event loop is recorded. Start-up, sending, a stream's end, regenerating, editing,
opening from the list, paging up, searching, renaming, deleting and undoing, branching and a
new session all go through thread workers, so none is recorded.
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.ui.conftest import (
    SIZE,
    chat,
    demo_app,
    focused_prompt,
    ready,
    send,
    until_idle,
    wait_until,
)
from tikhub_tui.core.store import Store
from tikhub_tui.core.store import schema as store_schema
from tikhub_tui.core.store.writer import AnswerWriter
from tikhub_tui.ui.screens.dialogs import ConfirmScreen, RenameScreen
from tikhub_tui.ui.screens.search import SearchScreen
from tikhub_tui.ui.widgets.sessions import SessionList
from tikhub_tui.ui.widgets.transcript import UserMessage

pytestmark = pytest.mark.anyio

EXEMPT = {"close"}
"""Closing the store when the app exits (the loop is stopping; nothing waits on it)."""


class LoopWatch:
    """Records store calls made on the watched thread (the event loop's) while watching."""

    def __init__(self) -> None:
        self.thread: int | None = None
        self.calls: list[str] = []

    def seen(self, name: str) -> None:
        if threading.get_ident() == self.thread:
            self.calls.append(name)

    def wrap(self, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def watched(*args: Any, **kwargs: Any) -> Any:
            self.seen(name)
            return method(*args, **kwargs)

        return watched


@pytest.fixture
def watch(monkeypatch: pytest.MonkeyPatch) -> Iterator[LoopWatch]:
    watch = LoopWatch()
    for cls in (*Store.__mro__[:-1], AnswerWriter):  # the store with its mixins, but object
        for name, member in vars(cls).items():
            if name.startswith("__") or name in EXEMPT or not inspect.isfunction(member):
                continue
            monkeypatch.setattr(cls, name, watch.wrap(f"{cls.__name__}.{name}", member))
    monkeypatch.setattr(store_schema, "connect", watch.wrap("connect", store_schema.connect))
    yield watch
    watch.thread = None


async def test_no_store_call_runs_on_the_ui_thread(watch: LoopWatch) -> None:
    with Store.open() as store:  # a saved session to reopen, page through, search and branch
        session = store.create_session("earlier work")
        for n in range(30):
            store.add_message(session, "user", f"question {n} about kubernetes")
            store.add_message(session, "assistant", f"answer {n}")
    watch.thread = threading.get_ident()  # the app's event loop runs on this thread
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)  # start-up: the store opened, the list shown, the session reopened
        screen = chat(app)
        assert screen.query(UserMessage).last().text == "question 29 about kubernetes"
        screen.transcript.scroll_home(animate=False)  # paging up mounts older messages
        await wait_until(pilot, lambda: len(screen.query(UserMessage)) > 10, "older messages")
        await send(pilot, "echo: sent")  # send, stream, stream end
        await pilot.press("ctrl+r")  # regenerate
        await until_idle(pilot)
        await edit_and_resend(pilot)
        await search_and_open(pilot)
        await rename_delete_undo(pilot)
        await pilot.press("ctrl+up", "up", "b")  # branch from the last prompt
        await wait_until(pilot, lambda: len(screen.query_one(SessionList).session_ids) == 2,
                         "the branch listed")
        await pilot.press("ctrl+n")  # a new session
        await send(pilot, "echo: fresh start")
        await pilot.app.workers.wait_for_complete()
    assert watch.calls == []


async def edit_and_resend(pilot: Pilot[None]) -> None:
    prompt = await focused_prompt(pilot)
    await pilot.press("ctrl+e")
    prompt.load_text("echo: edited")
    await pilot.press("enter")
    await until_idle(pilot)


async def search_and_open(pilot: Pilot[None]) -> None:
    screen = chat(pilot.app)  # type: ignore[arg-type]
    await pilot.press("ctrl+n")
    await wait_until(pilot, lambda: not screen.query(UserMessage), "a new session")
    await pilot.press("ctrl+f")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, SearchScreen), "search")
    await pilot.press(*"kubernetes")
    search = pilot.app.screen
    assert isinstance(search, SearchScreen)
    await wait_until(pilot, lambda: bool(search.hits), "search results")
    await pilot.press("enter")
    await wait_until(pilot, lambda: any("kubernetes" in w.text for w in screen.query(UserMessage)),
                     "the hit's session open")


async def rename_delete_undo(pilot: Pilot[None]) -> None:
    screen = chat(pilot.app)  # type: ignore[arg-type]
    await pilot.press("ctrl+t")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, RenameScreen), "rename")
    await pilot.press(*"renamed", "enter")
    await wait_until(pilot, lambda: screen.title == "renamed", "the new title")
    sessions = screen.query_one(SessionList)
    await pilot.press("ctrl+o")
    await pilot.press("d")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen), "confirm")
    await pilot.press("y")
    await wait_until(pilot, lambda: sessions.session_ids == [], "the session deleted")
    await pilot.press("ctrl+z")
    await wait_until(pilot, lambda: len(sessions.session_ids) == 1, "the session restored")
