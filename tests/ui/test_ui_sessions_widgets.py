"""The session list and the rename/confirm dialogs, driven with keys on small host apps.

The list is filled from a real store in the test's data dir, with a fixed clock, so titles,
ages and ids are the ones a user would see.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Footer, Input, Label
from textual.widgets._footer import FooterKey

from tests.ui.conftest import SIZE, quiet
from tikhub_tui.core.store import Store
from tikhub_tui.core.store.records import SessionSummary
from tikhub_tui.ui.screens.dialogs import ConfirmScreen, RenameScreen
from tikhub_tui.ui.widgets.sessions import EMPTY, SessionList

pytestmark = pytest.mark.anyio

NOW = datetime(2025, 3, 14, 12, 0, tzinfo=UTC)
"""The fixed 'now' of every test: ages on screen are relative to it."""


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def fill_store() -> dict[str, str]:
    """Sessions at known times in the data dir's store; returns name -> session id."""
    clock = Clock(NOW)
    ids = iter(f"s{n:09d}" for n in range(1, 100))
    made: dict[str, str] = {}
    with Store.open(clock=clock, new_id=lambda: next(ids)) as store:

        def session(name: str, ago: timedelta, title: str, *texts: str) -> None:
            clock.at = NOW - ago
            made[name] = sid = store.create_session(title)
            for index, text in enumerate(texts):
                store.add_message(sid, "user" if index % 2 == 0 else "assistant", text)

        session(
            "long",
            timedelta(days=12),
            "A very long title that cannot fit in the narrow sidebar of the chat screen at all",
            "Tell me everything.",
        )
        session(
            "german",
            timedelta(days=3),
            "Grüße aus Köln — 日本語 too",
            "Wie sagt man timezone auf Deutsch?",
            "Zeitzone: a timezone is eine Zeitzone.",
        )
        session("empty", timedelta(days=1, hours=2), "")
        session(
            "markup",
            timedelta(hours=2),
            "[b]Markup[/b] is [red]literal",
            "Does [b]this[/b] render as bold?",
            "No: [b]tags[/b] are shown as typed.",
        )
        session(
            "dates",
            timedelta(minutes=3),
            "",
            "How do I parse an ISO 8601 date with a timezone in Python?",
            "Use datetime.fromisoformat: since Python 3.11 it accepts the Z suffix.",
        )
    return made


def summaries() -> list[SessionSummary]:
    with Store.open() as store:
        return store.list_sessions()


class ListHost(App[None]):
    """A sidebar-wide session list and a Footer; records what the list posts."""

    CSS = "SessionList { width: 32; } #rest { width: 1fr; }"

    def __init__(self, rows: list[SessionSummary], current: str | None) -> None:
        super().__init__()
        self.rows = rows
        self.current = current
        self.posted: list[tuple[str, str, str]] = []

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield SessionList(id="sessions")
            yield Label("transcript", id="rest")
        yield Footer()

    def on_mount(self) -> None:
        sessions = self.query_one(SessionList)
        sessions.show(self.rows, self.current, NOW)
        sessions.focus()

    def on_session_list_chosen(self, event: SessionList.Chosen) -> None:
        self.posted.append(("chosen", event.session_id, event.title))

    def on_session_list_rename_asked(self, event: SessionList.RenameAsked) -> None:
        self.posted.append(("rename", event.session_id, event.title))

    def on_session_list_delete_asked(self, event: SessionList.DeleteAsked) -> None:
        self.posted.append(("delete", event.session_id, event.title))


@pytest.fixture
def made() -> Iterator[dict[str, str]]:
    yield fill_store()


def lines(sessions: SessionList) -> list[str]:
    return [str(option.prompt) for option in sessions.options]


async def test_the_list_shows_titles_and_ages_most_recent_first(made: dict[str, str]) -> None:
    app = ListHost(summaries(), made["dates"])
    async with app.run_test(size=SIZE):
        sessions = app.query_one(SessionList)
        assert sessions.session_ids == [
            made[name] for name in ("dates", "markup", "empty", "german", "long")
        ]
        assert lines(sessions) == [
            "● How do I parse an ISO 8601 date with a timezone in Python?\n  3 min ago · 2 messages",
            "  [b]Markup[/b] is [red]literal\n  2 h ago · 2 messages",
            "  untitled\n  yesterday · 0 messages",
            "  Grüße aus Köln — 日本語 too\n  3 days ago · 2 messages",
            "  A very long title that cannot fit in the narrow sidebar of the chat screen at all"
            "\n  2025-03-02 · 1 message",
        ]
        # the current session is the highlighted one at first
        assert sessions.highlighted_session == made["dates"]


async def test_the_rows_are_two_cut_lines_each_and_markup_stays_literal(
    made: dict[str, str],
) -> None:
    app = ListHost(summaries(), made["dates"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        sessions = app.query_one(SessionList)
        shown = [sessions.render_line(y).text for y in range(10)]
        assert shown[0].rstrip() == "● How do I parse an ISO 8601 da…"
        assert shown[2].rstrip() == "  [b]Markup[/b] is [red]literal"
        assert shown[3].rstrip() == "  2 h ago · 2 messages"
        assert shown[8].rstrip().endswith("…") and len(shown[8]) == 32


async def test_enter_and_a_click_post_chosen_with_the_right_id(made: dict[str, str]) -> None:
    app = ListHost(summaries(), made["dates"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.posted == [("chosen", made["markup"], "[b]Markup[/b] is [red]literal")]
        await pilot.click(SessionList, offset=(5, 6))  # the fourth session's title line
        await pilot.pause()
        assert app.posted[-1] == ("chosen", made["german"], "Grüße aus Köln — 日本語 too")


async def test_r_asks_to_rename_and_d_or_delete_asks_to_delete(made: dict[str, str]) -> None:
    app = ListHost(summaries(), made["dates"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "down", "r", "d", "up", "delete")
        await pilot.pause()
        assert app.posted == [
            ("rename", made["empty"], ""),
            ("delete", made["empty"], ""),
            ("delete", made["markup"], "[b]Markup[/b] is [red]literal"),
        ]


async def test_the_footer_shows_the_list_keys_with_kebab_case_ids(made: dict[str, str]) -> None:
    app = ListHost(summaries(), None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = {
            key: active.binding.description
            for key, active in app.screen.active_bindings.items()
            if active.binding.show
        }
        assert shown == {"enter": "Open", "r": "Rename", "d": "Delete", "delete": "Delete"}
        footer = {key.description for key in app.query(FooterKey)}
        assert {"Open", "Rename", "Delete"} <= footer
    for binding in SessionList.BINDINGS:
        assert not isinstance(binding, tuple)
        assert binding.id is None or re.fullmatch(r"[a-z]+(-[a-z]+)+", binding.id)
    assert {b.id for b in SessionList.BINDINGS if not isinstance(b, tuple) and b.id} == {
        "session-open",
        "session-rename",
        "session-delete",
    }


async def test_the_highlight_stays_on_its_session_across_refreshes(made: dict[str, str]) -> None:
    app = ListHost(summaries(), made["dates"])
    async with app.run_test(size=SIZE) as pilot:
        sessions = app.query_one(SessionList)
        await pilot.press("down", "down", "down")
        assert sessions.highlighted_session == made["german"]
        # a new answer in "german" moves it to the top: the highlight goes with it
        with Store.open(clock=lambda: NOW) as store:
            store.add_message(made["german"], "user", "Danke!")
        sessions.show(summaries(), made["dates"], NOW)
        assert sessions.session_ids[0] == made["german"]
        assert sessions.highlighted_session == made["german"]
        # the highlighted session deleted: the row that takes its place is highlighted
        await pilot.press("down", "down")
        assert sessions.highlighted_session == made["markup"]
        with Store.open() as store:
            store.delete_session(made["markup"])
        sessions.show(summaries(), made["dates"], NOW)
        assert sessions.highlighted_session == made["empty"]
        # the last one deleted: the new last one
        await pilot.press("end")
        with Store.open() as store:
            store.delete_session(made["long"])
        sessions.show(summaries(), made["dates"], NOW)
        assert sessions.highlighted_session == sessions.session_ids[-1] == made["empty"]
        assert "● " in lines(sessions)[sessions.session_ids.index(made["dates"])]


async def test_an_empty_store_says_so_and_keys_post_nothing() -> None:
    app = ListHost([], None)
    async with app.run_test(size=SIZE) as pilot:
        sessions = app.query_one(SessionList)
        assert lines(sessions) == [EMPTY]
        await pilot.press("enter", "r", "d", "delete")
        await pilot.pause()
        assert app.posted == []
        assert sessions.highlighted_session is None


async def test_a_thousand_sessions_list_and_scroll_to_the_end() -> None:
    # one OptionList line per session, no widget each (what keeps it fast is measured by
    # benchmarks/bench_sessions.py: start-up to a list of 1,000 sessions)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    rows = [
        SessionSummary(
            f"id{n:04d}", f"Session number {n}", start, start + timedelta(minutes=n), n, ""
        )
        for n in range(1000)
    ]
    app = ListHost([], None)
    async with app.run_test(size=SIZE) as pilot:
        sessions = app.query_one(SessionList)
        sessions.show(rows, "id0500", NOW)
        await pilot.pause()
        assert sessions.option_count == 1000
        assert not sessions.query("*")  # lines of one widget, not a widget per session
        assert sessions.session_ids[0] == "id0999"
        assert sessions.highlighted_session == "id0500"
        # a refresh (say, after a rename) leaves the view where it was
        await pilot.press("pagedown", "pagedown", "up", "up", "up")  # the highlight mid-view
        scrolled, highlighted = sessions.scroll_y, sessions.highlighted_session
        sessions.show(rows, "id0500", NOW)
        await pilot.pause()
        assert (sessions.scroll_y, sessions.highlighted_session) == (scrolled, highlighted)
        await pilot.press("end", "enter")
        await pilot.pause()
        assert app.posted == [("chosen", "id0000", "Session number 0")]


# -- dialogs ------------------------------------------------------------------------------------


class DialogHost(App[None]):
    """Pushes one dialog at start and keeps what it returns."""

    NO_RESULT = object()

    def __init__(self, dialog: Any) -> None:
        super().__init__()
        self.dialog = dialog
        self.result: Any = self.NO_RESULT
        self.settings = quiet()

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.keep)

    def keep(self, result: Any) -> None:
        self.result = result


async def run_dialog(dialog: Any, *keys: str, value: str | None = None) -> Any:
    app = DialogHost(dialog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        if value is not None:
            app.screen.query_one(Input).value = value
        await pilot.press(*keys)
        await pilot.pause()
        return app.result


async def test_rename_is_prefilled_and_typing_replaces_the_old_title() -> None:
    app = DialogHost(RenameScreen("Old [b]title[/b]"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        field = app.screen.query_one(Input)
        assert field.value == "Old [b]title[/b]"
        await pilot.press(*"New name", "enter")
        await pilot.pause()
        assert app.result == "New name"


async def test_rename_keeps_the_old_title_to_edit_and_collapses_spaces() -> None:
    assert await run_dialog(RenameScreen("Draft"), "end", *" two", "enter") == "Draft two"
    assert await run_dialog(RenameScreen("x"), "enter", value="  a \t b  ") == "a b"


async def test_rename_refuses_an_empty_title_and_esc_cancels() -> None:
    app = DialogHost(RenameScreen("Title"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one(Input).value = "   "
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RenameScreen)
        assert app.result is DialogHost.NO_RESULT
        assert "cannot be empty" in str(app.screen.query_one(".problem", Label).content)
        await pilot.press("escape")
        await pilot.pause()
        assert app.result is None


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (("y",), True),
        (("enter",), True),
        (("n",), False),
        (("escape",), False),
        (("tab", "enter"), False),  # Tab moves to Cancel
        (("shift+tab", "enter"), False),
    ],
)
async def test_confirm_answers_yes_or_no(keys: tuple[str, ...], expected: bool) -> None:
    assert await run_dialog(ConfirmScreen("Delete “x”?"), *keys) is expected


async def test_confirm_shows_the_question_literally_and_the_destructive_button() -> None:
    app = DialogHost(ConfirmScreen("Delete “[b]x[/b]”?", "Delete"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert str(screen.query_one(".question", Label).content) == "Delete “[b]x[/b]”?"
        button = screen.query_one("#confirm", Button)
        assert button.variant == "error" and button.has_focus
        assert "Delete" in str(button.label)
        await pilot.click("#confirm")
        await pilot.pause()
        assert app.result is True
    plain = ConfirmScreen("Start over?", "Start over", destructive=False)
    app = DialogHost(plain)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#confirm", Button).variant == "primary"
