"""The leaderboard screen: per model over the user's own races, ratings beside speed and cost.

The same numbers and words as `tikhub-tui race stats` (core.judging.stats_words), read in a
worker thread (the store is never read on the UI thread), filtered from the keyboard: which
votes rate the models, which time range, which model set.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label

from tikhub_tui.core.judging.board import Leaderboard, StatsFilter, VoteSet
from tikhub_tui.core.judging.stats_words import (
    HEADER,
    MIN_MODEL,
    RIGHT,
    cells,
    notes,
    table_lines,
)
from tikhub_tui.core.store.records import Clock, StoreError, utc_now
from tikhub_tui.core.store.text import display_safe

if TYPE_CHECKING:
    from tikhub_tui.ui.app import TikhubApp

ReadBoard = Callable[[StatsFilter], Leaderboard]
"""Reads the leaderboard in the calling (worker) thread; raises StoreError when it cannot."""
VOTES: tuple[tuple[VoteSet, str], ...] = (
    ("blind", "blind votes"),
    ("sighted", "sighted votes"),
    ("all", "all votes, blind and sighted"),
)
SPANS: tuple[tuple[timedelta | None, str], ...] = (
    (None, "all time"),
    (timedelta(days=30), "the last 30 days"),
    (timedelta(days=7), "the last 7 days"),
    (timedelta(days=1), "the last 24 hours"),
)
HINT = "v changes the votes counted."
COMPACT = 100
"""Columns below which the table shows medians only (the p90s are in `race stats`)."""
ModelSets = Sequence[tuple[str, frozenset[str]]]
"""Named model sets the `m` key cycles through (after "all models")."""


class StatsScreen(Screen[None]):
    """The leaderboard; v, t and m change the votes, time range and models it counts."""

    BINDINGS = [
        Binding("escape,q", "close", "Close", id="close-stats"),
        Binding("v", "next_votes", "Votes", id="stats-votes"),
        Binding("t", "next_span", "Time range", id="stats-time"),
        Binding("m", "next_models", "Models", id="stats-models"),
        Binding("r", "reload", "Reload", id="stats-reload"),
    ]

    DEFAULT_CSS = """
    StatsScreen { padding: 0 1; }
    StatsScreen #stats-title { text-style: bold; color: $text-accent; margin: 1 0 0 0; }
    StatsScreen #stats-filter { color: $text-muted; margin: 0 0 1 0; }
    StatsScreen DataTable { height: auto; max-height: 1fr; }
    StatsScreen #stats-notes { width: 1fr; color: $text-muted; margin: 1 0 0 0; }
    """

    class Read(Message):
        """A leaderboard was read (or `error` says why not) for the filter `wanted`."""

        def __init__(
            self, wanted: StatsFilter, board: Leaderboard | None, error: str = ""
        ) -> None:
            super().__init__()
            self.wanted, self.board, self.error = wanted, board, error

    def __init__(
        self, read: ReadBoard | None = None, *, sets: ModelSets = (), clock: Clock = utc_now
    ) -> None:
        super().__init__()
        self._read = read or self._read_store
        self._sets = list(sets)
        self._clock = clock
        self._votes = 0
        self._span = 0
        self._set = -1
        self.board: Leaderboard | None = None
        """The leaderboard on screen (None until the first one is read)."""

    def compose(self) -> ComposeResult:
        yield Label("Leaderboard: your races", id="stats-title")
        yield Label("", id="stats-filter", markup=False)
        yield DataTable(zebra_stripes=True, cursor_type="row", id="board")
        yield Label("Reading your races…", id="stats-notes", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.action_reload()

    @property
    def wanted(self) -> StatsFilter:
        """The filter the keys have chosen."""
        span = SPANS[self._span][0]
        since = None if span is None else self._clock() - span
        models = self._sets[self._set][1] if self._set >= 0 else None
        return StatsFilter(since, None, models, VOTES[self._votes][0])

    def _filter_words(self) -> str:
        models = "all models" if self._set < 0 else f"the set {self._sets[self._set][0]}"
        return f"{SPANS[self._span][1]} · {VOTES[self._votes][1]} · {display_safe(models)}"

    def action_reload(self) -> None:
        wanted = self.wanted
        self.query_one("#stats-filter", Label).update(self._filter_words())
        self._load(wanted)

    def _read_store(self, wanted: StatsFilter) -> Leaderboard:
        """The leaderboard of the app's store, priced with its settings' catalogue."""
        from tikhub_tui.core.catalogue import for_settings

        app = cast("TikhubApp", self.app)
        return app.store.get().leaderboard(for_settings(app.settings), wanted)

    @work(thread=True, exclusive=True, exit_on_error=False, group="stats")
    def _load(self, wanted: StatsFilter) -> None:
        try:
            self.post_message(self.Read(wanted, self._read(wanted)))
        except StoreError as error:
            self.post_message(self.Read(wanted, None, str(error)))
        except Exception as error:  # a bug: said on screen rather than "Reading…" for ever
            self.post_message(self.Read(wanted, None, f"{type(error).__name__}: {error}"))

    def on_stats_screen_read(self, event: Read) -> None:
        if replace(event.wanted, since=None) != replace(self.wanted, since=None):
            return  # a filter chosen since: its own read is on its way
        notes_label = self.query_one("#stats-notes", Label)
        if event.board is None:
            notes_label.update(f"The races could not be read: {display_safe(event.error)}")
            return
        self.board = board = event.board
        self._fill(board)
        races = f"{board.races:,} race" + ("" if board.races == 1 else "s")
        self.query_one("#stats-filter", Label).update(f"{self._filter_words()} · {races}")
        words = notes(board, HINT) if board.rows else table_lines(board)
        notes_label.update("\n".join(words))

    def on_resize(self) -> None:
        if self.board is not None:
            self._fill(self.board)

    def _fill(self, board: Leaderboard) -> None:
        """The table; below COMPACT columns the speeds lose their p90 so the row fits."""
        rows = [HEADER, *(cells(row, rank) for rank, row in enumerate(board.rows, 1))]
        if self.size.width < COMPACT:
            rows = [tuple(_median(cell, col) for col, cell in enumerate(row)) for row in rows]
        widths = [max(len(row[col]) for row in rows) for col in range(len(HEADER))]
        table: DataTable[Text] = self.query_one(DataTable)
        spare = self.size.width - 4 - sum(w + 2 * table.cell_padding for w in widths)
        if spare < 0:  # model names are cut to fit (the whole name is in `race stats`)
            widths[1] = max(MIN_MODEL, widths[1] + spare)
            rows = [(*row[:1], _cut(row[1], widths[1]), *row[2:]) for row in rows]
        table.clear(columns=True)
        table.add_columns(*(Text(_aligned(c, i, widths)) for i, c in enumerate(rows[0])))
        for row in rows[1:]:
            table.add_row(*(Text(_aligned(c, i, widths)) for i, c in enumerate(row)))

    def action_next_votes(self) -> None:
        self._votes = (self._votes + 1) % len(VOTES)
        self.action_reload()

    def action_next_span(self) -> None:
        self._span = (self._span + 1) % len(SPANS)
        self.action_reload()

    def action_next_models(self) -> None:
        if not self._sets:
            self.notify("No model sets saved yet: the race screen saves them.", markup=False)
            return
        self._set = (self._set + 2) % (len(self._sets) + 1) - 1
        self.action_reload()

    def action_close(self) -> None:
        self.dismiss()


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _median(cell: str, column: int) -> str:
    """A speed column's median alone (`0.68 / 0.90 s` -> `0.68 s`, `TTFT p50/p90` -> `TTFT p50`)."""
    if column not in (5, 6):
        return cell
    if cell.endswith("p50/p90"):
        return cell.removesuffix("/p90")
    median, _, rest = cell.partition(" / ")
    return median + (" s" if rest.endswith(" s") else "")


def _aligned(cell: str, column: int, widths: list[int]) -> str:
    """A cell padded to its column's width: numbers to the right (DataTable pads on the left)."""
    return cell.rjust(widths[column]) if column in RIGHT else cell

