"""Search every saved message: type, see the matching sessions and snippets live, open one.

The search runs in a thread worker (a store connection belongs to the thread that opened it,
and a slow disk must never freeze typing); the worker only posts results, and results for
anything but the latest query are dropped, so a slow old search never overwrites a new one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.events import Key
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Footer, Input, Label, OptionList
from textual.widgets.option_list import Option

from tikhub_tui.core.store.records import Clock, SearchHit, StoreError, utc_now
from tikhub_tui.core.store.text import display_safe, format_age
from tikhub_tui.ui.screens.dialogs import blinks
from tikhub_tui.ui.widgets.lists import QUIET_CURSOR_BINDINGS

DEBOUNCE = 0.1
"""Seconds of quiet typing before a search starts: one search per pause, not per key."""
HINT = (
    "Type words to find in every saved message and title; the last word may be the start of "
    "a word, and Chinese, Japanese or emoji any part of the text."
)
ROLE_NAMES = {"user": "you", "assistant": "answer", "title": "title"}

SearchFunction = Callable[[str], list[SearchHit]]
"""Runs a query in the calling (worker) thread; raises StoreError when the store fails."""


def hit_row(hit: SearchHit, now: datetime) -> Content:
    """Two lines: session title, age and who wrote it; then the snippet, matches highlighted
    (a title that matched is one line, its matches highlighted).

    Built from plain text and styles, never markup: message text is shown exactly as typed.
    """
    title = display_safe(hit.title).strip()
    role = ROLE_NAMES.get(hit.role, hit.role)
    marked = [(span.text, "bold $text-accent underline") if span.match else span.text
              for span in hit.spans]
    parts: list[str | tuple[str, str]]
    if hit.message_id is None:
        parts = [*((text, "bold") if isinstance(text, str) else text for text in marked)]
    else:
        parts = [(title, "bold") if title else ("untitled", "italic $text-muted")]
    parts.append((f"  {format_age(hit.created_at, now)} · {role}", "$text-muted"))
    if hit.message_id is not None:
        parts += ["\n  ", *marked]
    return Content.assemble(*parts)


class SearchResults(OptionList, inherit_bindings=False):
    """The hits; Up on the first one goes back to the query, typing goes on in the query."""

    BINDINGS = [
        Binding("enter", "select", "Open", id="search-open"),
        *QUIET_CURSOR_BINDINGS,
    ]

    def action_cursor_up(self) -> None:
        if self.highlighted in (None, 0):
            self.screen.query_one(Input).focus()
        else:
            super().action_cursor_up()

    def on_key(self, event: Key) -> None:
        if event.is_printable and event.character:
            event.stop()
            event.prevent_default()
            query = self.screen.query_one(Input)
            query.focus()
            query.insert_text_at_cursor(event.character)


class SearchScreen(ModalScreen[SearchHit | None]):
    """Live search; dismisses with the chosen hit, or None."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="search-close"),
        Binding("down", "focus_results", "Results", id="search-results"),
    ]

    DEFAULT_CSS = """
    SearchScreen { align: center top; }
    SearchScreen > Vertical { width: 100; max-width: 100%; height: 1fr; margin: 1 2;
        background: $panel; border: round $accent; padding: 1 2; }
    SearchScreen .title { text-style: bold; margin: 0 0 1 0; }
    SearchScreen #status { color: $text-muted; margin: 1 0 0 0; height: auto; }
    SearchScreen #status.-error { color: $text-error; }
    SearchScreen SearchResults { height: 1fr; border: none; padding: 0;
        background: transparent; margin: 1 0 0 0; }
    SearchScreen SearchResults:focus { border: none; background-tint: $foreground 0%; }
    SearchScreen SearchResults.-empty { display: none; }
    SearchScreen SearchResults > .option-list--option { padding: 0 1; }
    """

    @dataclass
    class ResultsFound(Message):
        """A search finished (posted from the worker thread)."""

        query: str
        hits: list[SearchHit]

    @dataclass
    class SearchFailed(Message):
        """A search could not run; `error` is the message to show."""

        query: str
        error: str

    def __init__(self, search: SearchFunction, *, clock: Clock = utc_now, query: str = "") -> None:
        super().__init__()
        self.search = search
        self.clock = clock
        """Ages of hits are relative to this clock (injected for tests)."""
        self.initial_query = query
        self.hits: list[SearchHit] = []
        self.query_text = ""
        """The query whose results are (or will next be) on screen."""
        self.searching = False
        self._open_when_found = False
        self._debounce: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Search sessions — Enter opens · Down goes to the results", classes="title")
            yield Input(
                self.initial_query, placeholder="Search words", id="query", select_on_focus=False
            )
            yield Label(HINT, id="status", markup=False)
            yield SearchResults(id="results", markup=False, classes="-empty")
        yield Footer()

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.cursor_blink = blinks(self.app)
        field.focus()
        if self.initial_query.strip():
            self._start(self.initial_query)

    @property
    def busy(self) -> bool:
        """A search is waiting for the typing to pause, or running."""
        return self._debounce is not None or self.searching

    # -- typing and searching ----------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        query = event.value
        if query == self.query_text:
            return  # its results are on screen or coming (the Input repeats its value on mount)
        self._debounce = self.set_timer(DEBOUNCE, lambda: self._start(query))

    def _start(self, query: str) -> None:
        self._debounce = None
        self.query_text = query
        if not query.strip():
            self.searching = False
            self._show([], HINT)
            return
        self.searching = True
        self._run_search(query)

    @work(thread=True, exclusive=True, exit_on_error=False, group="search")
    def _run_search(self, query: str) -> None:
        try:
            hits = self.search(query)
        except StoreError as error:
            self.post_message(self.SearchFailed(query, str(error)))
        except Exception as error:  # a bug must not take the screen down with a traceback
            self.post_message(
                self.SearchFailed(query, f"Search failed: {error or type(error).__name__}")
            )
        else:
            self.post_message(self.ResultsFound(query, hits))

    def on_search_screen_results_found(self, event: ResultsFound) -> None:
        if event.query != self.query_text:
            return  # an older query's answer arriving late
        self.searching = False
        count = len(event.hits)
        if count:
            status = f"{count} match{'' if count == 1 else 'es'}"
        else:
            status = f"No matches for {event.query.strip()!r}."
        self._show(event.hits, status)
        if self._open_when_found:
            self._open_when_found = False
            self._open(0)

    def on_search_screen_search_failed(self, event: SearchFailed) -> None:
        if event.query == self.query_text:
            self.searching = False
            self._open_when_found = False
            self._show([], event.error, error=True)

    def _show(self, hits: list[SearchHit], status: str, *, error: bool = False) -> None:
        self.hits = hits
        label = self.query_one("#status", Label)
        label.update(status)
        label.set_class(error, "-error")
        results = self.query_one(SearchResults)
        now = self.clock()
        rows: list[Option | None] = []
        for hit in hits:
            rows += [Option(hit_row(hit, now)), None]  # None: a rule under each hit
        results.set_options(rows[:-1])
        results.set_class(not hits, "-empty")
        if hits:
            results.highlighted = 0
        elif results.has_focus:
            self.query_one(Input).focus()

    # -- choosing ----------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._debounce is not None:  # Enter right after typing: search now, open the best
            self._debounce.stop()
            self._start(event.value)
        if self.searching:
            self._open_when_found = True
        else:
            self._open(self.query_one(SearchResults).highlighted)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._open(event.option_index)

    def _open(self, index: int | None) -> None:
        if index is not None and 0 <= index < len(self.hits):
            self.dismiss(self.hits[index])

    def action_focus_results(self) -> None:
        results = self.query_one(SearchResults)
        if self.hits:
            results.focus()

    def action_close(self) -> None:
        self.dismiss(None)
