"""Snapshots of the session list, search results and the session dialogs (120x40).

A small host app lays the list out like the chat screen's sidebar; the store is filled by the
test with fixed times and ids, and ages are relative to a fixed 'now'. The SVGs are reviewed by
eye (render them with `rsvg-convert`) before they are committed.
"""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Footer, Label

from tests.ui.conftest import SIZE, quiet, wait_until
from tests.ui.test_ui_sessions_widgets import NOW, fill_store
from tests.ui.test_ui_sessions_widgets_search import store_search
from tikhub_tui.core.store import Store
from tikhub_tui.ui.screens.dialogs import ConfirmScreen, RenameScreen
from tikhub_tui.ui.screens.search import SearchScreen
from tikhub_tui.ui.widgets.sessions import SessionList


class SidebarHost(App[None]):
    """The session list in a sidebar as wide as the chat screen's, then an optional screen."""

    CSS = """
    #sidebar { width: 32; border-right: vkey $border-blurred; padding: 0 0 0 1; }
    #sidebar > Label { color: $text-muted; text-style: bold; margin: 1 0 0 0; }
    #rest { width: 1fr; height: 1fr; content-align: center middle; color: $text-muted; }
    """

    def __init__(self, current: str | None, screen: Screen[Any] | None = None) -> None:
        super().__init__()
        self.theme = "textual-dark"
        self.settings = quiet()
        self.current = current
        self.dialog = screen

    def compose(self) -> ComposeResult:
        with Horizontal():
            with Vertical(id="sidebar"):
                yield Label("SESSIONS")
                yield SessionList(id="sessions")
            yield Label("(the transcript)", id="rest")
        yield Footer()

    def on_mount(self) -> None:
        with Store.open() as store:
            rows = store.list_sessions()
        sessions = self.query_one(SessionList)
        sessions.show(rows, self.current, NOW)
        sessions.focus()
        if self.dialog is not None:
            self.push_screen(self.dialog)


def test_session_list(snap_compare: Any) -> None:
    made = fill_store()

    async def highlight_another(pilot: Pilot[None]) -> None:
        await pilot.press("down")  # the current session marked, the next one highlighted
        await pilot.pause()

    app = SidebarHost(made["dates"])
    assert snap_compare(app, terminal_size=SIZE, run_before=highlight_another)


def test_search_results(snap_compare: Any) -> None:
    made = fill_store()

    async def search(pilot: Pilot[None]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, SearchScreen)
        await pilot.press(*"timezone")
        await pilot.pause()
        await wait_until(pilot, lambda: not screen.busy, "the search")
        await pilot.press("down", "down")
        await pilot.pause()

    app = SidebarHost(made["dates"], SearchScreen(store_search, clock=lambda: NOW))
    assert snap_compare(app, terminal_size=SIZE, run_before=search)


def test_rename_dialog(snap_compare: Any) -> None:
    made = fill_store()
    dialog = RenameScreen("How do I parse an ISO 8601 date with a timezone in Python?")
    app = SidebarHost(made["dates"], dialog)
    assert snap_compare(app, terminal_size=SIZE)


def test_confirm_delete_dialog(snap_compare: Any) -> None:
    made = fill_store()
    dialog = ConfirmScreen('Delete the session "[b]Markup[/b] is [red]literal"?')
    app = SidebarHost(made["dates"], dialog)
    assert snap_compare(app, terminal_size=SIZE)
