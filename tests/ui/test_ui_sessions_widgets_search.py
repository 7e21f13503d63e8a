"""The search screen against a real store: live results, snippets, keys, odd queries, failures."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, Label

from tests.ui.conftest import SIZE, quiet, wait_until
from tests.ui.test_ui_sessions_widgets import NOW, fill_store
from tikhub_tui.core.store import Store
from tikhub_tui.core.store.records import SearchHit, Span
from tikhub_tui.ui.screens import search as search_module
from tikhub_tui.ui.screens.search import HINT, SearchResults, SearchScreen, hit_row

pytestmark = pytest.mark.anyio


def store_search(query: str) -> list[SearchHit]:
    """What the chat screen passes: a connection of the calling thread's own, per search."""
    with Store.open() as store:
        return store.search(query)


class SearchHost(App[None]):
    """Pushes a SearchScreen at start and keeps what it returns."""

    NO_RESULT = object()

    def __init__(self, search: Any = store_search, query: str = "") -> None:
        super().__init__()
        self.search = search
        self.query_text = query
        self.result: Any = self.NO_RESULT
        self.settings = quiet()

    def on_mount(self) -> None:
        screen = SearchScreen(self.search, clock=lambda: NOW, query=self.query_text)
        self.push_screen(screen, self.keep)

    def keep(self, result: SearchHit | None) -> None:
        """The chosen hit, as (session id, message id)."""
        self.result = None if result is None else (result.session_id, result.message_id)


async def searched(pilot: Pilot[None]) -> None:
    """Let the typing be seen, the debounce timer fire and the search's results arrive."""
    screen = pilot.app.screen
    await pilot.pause()
    if isinstance(screen, SearchScreen):
        await wait_until(pilot, lambda: not screen.busy, "the search")
    await pilot.pause()


def status(app: App[None]) -> str:
    return str(app.screen.query_one("#status", Label).content)


def shown(app: App[None]) -> list[str]:
    return [str(option.prompt) for option in app.screen.query_one(SearchResults).options]


def message_id(session_id: str, text_start: str) -> int:
    with Store.open() as store:
        return next(m.id for m in store.messages(session_id) if m.text.startswith(text_start))


async def test_typing_shows_matching_messages_and_enter_opens_the_best() -> None:
    made = fill_store()
    app = SearchHost()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert status(app) == HINT
        await pilot.press(*"fromiso")
        await searched(pilot)
        assert status(app) == "1 match"
        assert shown(app) == [
            "How do I parse an ISO 8601 date with a timezone in Python?  3 min ago · answer\n"
            "  Use datetime.fromisoformat: since Python 3.11 it accepts the Z suffix."
        ]
        await pilot.press("enter")
        await pilot.pause()
        assert app.result == (made["dates"], message_id(made["dates"], "Use datetime"))


async def test_down_moves_into_the_results_and_enter_opens_the_highlighted_hit() -> None:
    made = fill_store()
    app = SearchHost()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"timezone")
        await searched(pilot)
        assert status(app) == "4 matches"  # a title (set from the first prompt) and messages
        hits = app.screen.query_one(SearchResults)
        await pilot.press("down")
        assert hits.has_focus and hits.highlighted == 0
        second: SearchHit = app.screen.hits[1]  # type: ignore[attr-defined]
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.result == (second.session_id, second.message_id)
        assert not isinstance(app.screen, SearchScreen)
    assert {(h.session_id, h.message_id) for h in store_search("timezone")} == {
        (made["dates"], None),
        (made["german"], message_id(made["german"], "Wie sagt")),
        (made["german"], message_id(made["german"], "Zeitzone")),
        (made["dates"], message_id(made["dates"], "How do I")),
    }


async def test_up_on_the_first_hit_and_typing_in_the_results_go_back_to_the_query() -> None:
    fill_store()
    app = SearchHost()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"timezone")
        await searched(pilot)
        field = app.screen.query_one(Input)
        await pilot.press("down", "up")
        assert field.has_focus
        await pilot.press("down", "down", "space", *"py")
        assert field.has_focus and field.value == "timezone py"
        await searched(pilot)
        assert status(app) == "2 matches"  # the title and the prompt


async def test_a_click_opens_a_hit_and_esc_closes_with_nothing() -> None:
    made = fill_store()
    app = SearchHost()
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one(Input).value = "tags shown"
        await searched(pilot)
        assert status(app) == "1 match"
        await pilot.click(SearchResults, offset=(10, 1))
        await pilot.pause()
        assert app.result == (made["markup"], message_id(made["markup"], "No: [b]tags"))
    app = SearchHost()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"time", "escape")
        await pilot.pause()
        assert app.result is None


async def test_the_snippet_marks_matches_and_keeps_markup_literal() -> None:
    made = fill_store()
    app = SearchHost()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"bold")
        await searched(pilot)
        assert shown(app) == [
            "[b]Markup[/b] is [red]literal  2 h ago · you\n  Does [b]this[/b] render as bold?"
        ]
        row = hit_row(app.screen.hits[0], NOW)  # type: ignore[attr-defined]
        marked = [row.plain[s.start : s.end] for s in row.spans if "underline" in str(s.style)]
        assert marked == ["bold"]
        assert app.screen.hits[0].session_id == made["markup"]  # type: ignore[attr-defined]


async def test_titles_and_text_without_spaces_are_found() -> None:
    made = fill_store()
    app = SearchHost()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"日本")  # in a title: one line, the title with the match marked
        await searched(pilot)
        assert shown(app) == ["Grüße aus Köln — 日本語 too  3 days ago · title"]
        row = hit_row(app.screen.hits[0], NOW)  # type: ignore[attr-defined]
        marked = [row.plain[s.start : s.end] for s in row.spans if "underline" in str(s.style)]
        assert marked == ["日本"]
        await pilot.press("enter")
        await pilot.pause()
        assert app.result == (made["german"], None)


async def test_an_empty_query_shows_the_hint_and_no_match_says_so() -> None:
    fill_store()
    app = SearchHost()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"zebra")
        await searched(pilot)
        assert status(app) == "No matches for 'zebra'."
        assert shown(app) == []
        await pilot.press("down", "enter")  # nothing to go to or open
        await pilot.pause()
        assert app.result is SearchHost.NO_RESULT
        app.screen.query_one(Input).value = "   "
        await searched(pilot)
        assert status(app) == HINT


ODD_QUERIES = [
    '"',
    "*",
    "-",
    "-time",
    "time*",
    "NEAR(a b)",
    "a OR",
    "AND",
    "'",
    "\\",
    "^",
    ":",
    "(",
    "😀",
    "ü",
    "Köln",
    "日本語",
    "\x1b[31m",
    "zeit\u200bzone",
    "a" * 500,
]


async def test_odd_queries_never_crash() -> None:
    fill_store()
    app = SearchHost()
    async with app.run_test(size=SIZE) as pilot:
        for query in ODD_QUERIES:
            app.screen.query_one(Input).value = query
            await searched(pilot)
            assert isinstance(app.screen, SearchScreen), query
            error = app.screen.query_one("#status", Label).has_class("-error")
            assert not error, f"{query!r}: {status(app)}"


async def test_unicode_and_operator_words_are_found_as_words() -> None:
    made = fill_store()
    app = SearchHost()
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one(Input).value = "Zeitzone"
        await searched(pilot)
        assert status(app) == "1 match"
        app.screen.query_one(Input).value = '"Deutsch'
        await searched(pilot)
        assert status(app) == "1 match"
        assert app.screen.hits[0].session_id == made["german"]  # type: ignore[attr-defined]


async def test_a_failing_store_shows_its_message_not_a_traceback(tmp_path: Any) -> None:
    broken = tmp_path / "data" / "broken.db"
    broken.write_bytes(b"this is not a database" * 100)

    def search(query: str) -> list[SearchHit]:
        with Store.open(broken) as store:
            return store.search(query)

    app = SearchHost(search)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"time")
        await searched(pilot)
        label = app.screen.query_one("#status", Label)
        assert label.has_class("-error")
        assert str(broken) in status(app) and "Traceback" not in status(app)
        # the next keystroke searches again (and fails the same way, calmly)
        await pilot.press("s")
        await searched(pilot)
        assert isinstance(app.screen, SearchScreen) and label.has_class("-error")


async def test_an_unexpected_error_is_shown_too() -> None:
    def search(query: str) -> list[SearchHit]:
        raise RuntimeError("the index went away")

    app = SearchHost(search)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"time")
        await searched(pilot)
        assert status(app) == "Search failed: the index went away"


def fake_hit(text: str) -> SearchHit:
    return SearchHit("s1", "A session", 1, "user", NOW, (Span(text, True),), -1.0)


async def test_typing_quickly_runs_one_search_and_late_results_are_dropped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(search_module, "DEBOUNCE", 0.3)
    calls: list[str] = []
    release = threading.Event()

    def search(query: str) -> list[SearchHit]:
        calls.append(query)
        if query == "slow":
            release.wait(5)
        return [fake_hit(query)]

    app = SearchHost(search)
    async with app.run_test(size=SIZE) as pilot:
        field = app.screen.query_one(Input)
        for typed in ("s", "sl", "slo", "slow"):  # four keys in a row
            field.value = typed
        await wait_until(pilot, lambda: bool(calls), "the first search")
        await pilot.pause(0.4)
        assert calls == ["slow"]  # one search for the four keys
        field.value = "fast"
        await wait_until(pilot, lambda: bool(shown(app)), "the results of 'fast'")
        assert shown(app) == ["A session  just now · you\n  fast"]
        release.set()  # the old search ends last: its hits must not replace the new ones
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert calls == ["slow", "fast"]
        assert shown(app) == ["A session  just now · you\n  fast"]


async def test_enter_right_after_typing_opens_the_best_hit_of_what_was_typed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(search_module, "DEBOUNCE", 5.0)  # Enter surely comes before the search
    made = fill_store()
    app = SearchHost()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"suffix")
        assert app.screen.query_one(SearchResults).option_count == 0
        await pilot.press("enter")
        await searched(pilot)
        assert app.result == (made["dates"], message_id(made["dates"], "Use datetime"))


async def test_a_screen_opened_with_a_query_searches_it_once() -> None:
    calls: list[str] = []

    def search(query: str) -> list[SearchHit]:
        calls.append(query)
        return [fake_hit(query)]

    app = SearchHost(search, query="timezone")
    async with app.run_test(size=SIZE) as pilot:
        await searched(pilot)
        await pilot.pause(0.2)
        assert calls == ["timezone"]
        assert app.screen.query_one(Input).value == "timezone"
        assert shown(app) == ["A session  just now · you\n  timezone"]
