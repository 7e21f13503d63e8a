"""The race screen: one prompt to 2-6 models at once, their answers side by side, live figures.

The screen holds the layout (columns, a grid, or one pane at a time with tabs on a narrow
terminal or when zoomed), the keys, and the rule the next prompt follows, said in its header
line: every pane answers follow-ups in its own thread, until a winner is picked (then the chat
goes on with it alone). The panes' streams and figures are `RaceRun`'s; the models and sets
are picked in `RacePicker`; the files and the store are written in thread workers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.widgets import Header, Label

from tikhub_tui.core.catalogue import for_settings
from tikhub_tui.core.race.board import PaneNumbers
from tikhub_tui.core.race.panes import LABELS, PaneSpec, provider_resolver
from tikhub_tui.core.race.race import Race
from tikhub_tui.core.race.safe import shown
from tikhub_tui.core.race.sets import ModelSets
from tikhub_tui.ui.screens.judging.keys import BINDINGS as JUDGING_KEYS
from tikhub_tui.ui.screens.judging.keys import JudgedRace
from tikhub_tui.ui.screens.judging.race_judging import RaceJudging
from tikhub_tui.ui.screens.judging.vote import VoteBar
from tikhub_tui.ui.screens.race.choices import RaceChoices
from tikhub_tui.ui.screens.race.files import RaceFiles
from tikhub_tui.ui.screens.race.keys import BINDINGS, FOOTER_FIRST, WINNER
from tikhub_tui.ui.screens.race.run import RaceRun
from tikhub_tui.ui.streaming import StreamController
from tikhub_tui.ui.widgets.attachments import AttachmentChips
from tikhub_tui.ui.widgets.footer import KeyFooter
from tikhub_tui.ui.widgets.prompt import PromptArea
from tikhub_tui.ui.widgets.race_board import PaneBoard, layout_for
from tikhub_tui.ui.widgets.race_pane import PaneTranscript, RacePane
from tikhub_tui.ui.widgets.race_tabs import PaneTabs, tab_text

if TYPE_CHECKING:
    from tikhub_tui.core.client import ChatClient
    from tikhub_tui.core.race.panes import Resolver

DRAIN_BUDGET = 0.002
"""CPU seconds one drain of the streams may spend bringing panes up to date before the rest
wait for the next (the longest waiting first). In practice one pane a drain: each pane's update
is laid out and drawn in a frame of its own, about a sixth of the screen, so a key never waits
for a frame that redraws all six (at 200x50 one of those took 50-150 ms)."""
CHROME = 8
"""Rows the screen itself takes (header, rule, prompt, status, footer): the rest is the board."""


class RaceScreen(JudgedRace, RaceChoices):
    """See the module docstring."""

    BINDINGS = [*BINDINGS, *JUDGING_KEYS]

    DEFAULT_CSS = """
    RaceScreen { background: $background; }
    RaceScreen #rule { height: 1; width: 1fr; padding: 0 1; color: $text-accent; text-wrap: nowrap;
        text-overflow: ellipsis; }
    RaceScreen #status { height: 1; width: 1fr; padding: 0 2; color: $text-muted; text-wrap: nowrap;
        text-overflow: ellipsis; }
    RaceScreen PromptArea { max-height: 6; }
    """

    def __init__(self, panes: list[PaneSpec] | None = None, *, blind: bool = False) -> None:
        super().__init__()
        self.specs: list[PaneSpec] = list(panes or [])
        self.controller = StreamController(self, self._client, drain_budget=DRAIN_BUDGET)
        self.files = RaceFiles(self)
        self.streams = RaceRun(self, self.controller, self._timings, self._changed, self._show_tabs)
        self.judging = RaceJudging(self, blind=blind)
        """Blind mode, the vote, the judge and the differences (ui/screens/judging)."""
        self.streams.judging = self.judging
        self.current = 0
        self.zoomed = False
        self.together = False
        self.sets = ModelSets()
        self._sets_ready = False
        self._picking = False

    @property
    def streaming(self) -> bool:
        """A pane is streaming."""
        return self.streams.streaming

    @property
    def race(self) -> Race | None:
        return self.streams.race

    def stop_streams(self) -> None:
        """Stop every pane (each answer is saved, marked stopped)."""
        self.streams.stop()

    def _client(self) -> ChatClient:
        return self.tikhub.client()

    def _timings(self) -> bool:
        return self.tikhub.settings.show_timings

    def resolver(self) -> Resolver:
        from tikhub_tui.core.providers import infer_provider

        return provider_resolver(self.tikhub.models(), infer_provider)

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="")
        yield Label("", id="rule", markup=False)
        yield PaneTabs([], id="tabs")
        yield PaneBoard(id="board")
        yield VoteBar(id="vote")
        yield AttachmentChips(id="attachments")
        yield PromptArea(
            id="prompt", placeholder="One prompt for every model — Enter sends it to all at once"
        )
        yield Label("", id="status", markup=False)
        yield KeyFooter(FOOTER_FIRST)

    async def on_mount(self) -> None:
        prompt = self.query_one(PromptArea)
        prompt.cursor_blink = self.tikhub.settings.cursor_blink
        prompt.focus()
        self.title = "Race"
        self.judging.blind = self.judging.blind or self.tikhub.settings.race_blind
        self._load_sets()
        self.watch(self.tikhub, "access", self._show_status, init=False)  # the key found
        await self._build_board()

    async def _build_board(self) -> None:
        """Panes (and tabs) for `specs`, empty: a new race."""
        self.streams.race = None
        self.streams.notices.clear()
        self.specs = self.judging.seat(self.specs)
        self.query_one(VoteBar).shut()
        board = self.query_one(PaneBoard)
        await board.remove_children()
        panes = [
            RacePane(i, LABELS[i], spec.model, spec.provider, spec.settings_words())
            for i, spec in enumerate(self.specs)
        ]
        for pane in panes:
            pane.hidden = self.judging.hiding
        self.streams.panes = panes
        await board.mount_all(panes)
        tabs = self.query_one(PaneTabs)
        await tabs.remove()
        texts = [tab_text(None, p.label, self.judging.name(p), timings=False) for p in panes]
        await self.mount(PaneTabs(texts, id="tabs"), before=board)
        self.current = min(self.current, max(0, len(panes) - 1))
        self.title = "Race"
        self._arrange()
        self._changed()

    def _arrange(self) -> None:
        board = self.query_one(PaneBoard)
        size = self.size
        layout = layout_for(
            len(self.streams.panes), size.width, max(0, size.height - CHROME), zoomed=self.zoomed
        )
        board.place(layout, self.current)
        self.query_one(PaneTabs).set_class(layout.tabs and len(self.streams.panes) > 1, "-shown")
        for pane in self.streams.panes:
            pane.set_current(pane.index == self.current and len(self.streams.panes) > 1)
        self._show_tabs(self.streams.figures())

    def on_resize(self, event: events.Resize) -> None:
        self._arrange()

    def rearrange(self) -> None:
        self._arrange()
        self._changed()

    def _show_tabs(self, figures: list[PaneNumbers | None]) -> None:
        tabs = self.query_one(PaneTabs)
        timings = self._timings() and not self.judging.hiding  # speeds tell models apart
        for pane, figure in zip(self.streams.panes, figures, strict=False):
            left = self.streams.retry_left(pane.index)
            name = self.judging.name(pane)
            text = tab_text(figure, pane.label, name, timings=timings, retry_left=left)
            tabs.show(pane.index, text, current=pane.index == self.current)

    def _changed(self) -> None:
        """Say the rule in force and how the race stands."""
        race, count = self.race, len(self.specs)
        if not self.specs:
            rule = "Race · pick 2 to 6 models (Ctrl+L)"
        elif race is None or race.round == 0:
            rule = (
                f"Race of {count} models · one prompt to all at once · Ctrl+O: a pane's own "
                "settings"
            )
        else:
            rule = (
                f"Round {race.round} · follow-ups go to each model in its own thread · "
                f"{self._winner_key()}: one alone"
            )
        extras = [word for word, on in ((self.judging.words(), True), ("zoomed", self.zoomed),
                  ("scrolling together", self.together)) if on and word]  # fmt: skip
        # one line, the screen's width, whatever it says: no layout of the screen
        self.query_one("#rule", Label).update(" · ".join([rule, *extras]), layout=False)
        self._show_status()
        self.refresh_bindings()
        self.judging.round_over()

    def _winner_key(self) -> str:
        """The key that picks the winner, as the user has it (`[keymap]` may remap it)."""
        from tikhub_tui.ui.keymap import effective_keys
        from tikhub_tui.ui.screens.help import key_label

        return key_label(effective_keys(self.app, WINNER))

    def _show_status(self) -> None:
        app = self.tikhub
        parts = []
        if self.streaming:
            parts.append(f"{len(self.streams.live)} streaming · Esc stops all · Ctrl+T stops one")
        elif self.race is not None and self.race.session_id:
            parts.append("saved in the sessions")
        problem = app.store.problem or (self.race.problem if self.race else "")
        if problem:
            parts.append("NOT SAVING: " + shown(problem, lines=False))
        if self.specs:
            pane = LABELS[self.current]
            parts.append(f"keys act on {pane} (Tab moves)")
        parts.append(app.access_label())
        self.query_one("#status", Label).update(" · ".join(parts), layout=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "stop_all":  # Esc stops the streams; else it goes back to the prompt
            return self.streaming
        if action == "stop_pane":  # in the footer while something streams
            return self.streaming
        return True

    # -- sending -----------------------------------------------------------------------------

    async def on_prompt_area_submitted(self, event: PromptArea.Submitted) -> None:
        if not self.specs:
            self.action_pick_models()
            return
        if self.streaming:
            self.notify("The models are still answering: Esc stops them.", severity="warning")
            return
        await self.tikhub.access_ready.wait()
        race = self.race
        if race is None:
            settings = self.tikhub.settings
            race = Race(
                self.specs,
                store=self.tikhub.store,
                system=settings.system_prompt,
                max_tokens=settings.max_tokens,
                catalogue=for_settings(settings),
            )
        files = await self.files.ready(event.text, race)
        if files is None:  # a pane cannot take them: said why, the prompt stays
            return
        event.prompt.clear()
        self.files.chips.clear()
        if self.race is None:
            race.masked_title = self.judging.title(event.text) if self.judging.hiding else None
            self.title = "Race: " + shown(self.judging.title(event.text), lines=False)[:60]
        self.query_one(VoteBar).shut()
        await self.streams.start_round(race, event.text, files)
        self._changed()

    def action_attach(self) -> None:
        self.files.pick()

    def on_stream_controller_started(self, event: StreamController.Started) -> None:
        self.streams.refresh()

    def on_stream_controller_retrying(self, event: StreamController.Retrying) -> None:
        self.streams.retrying(event.live, event.notice, event.at)

    async def on_stream_controller_ended(self, event: StreamController.Ended) -> None:
        await self.streams.ended(event.live)
        problem = event.live.exchange.problem
        if problem and not self.streams.problem_said:
            self.streams.problem_said = True
            self.notify(f"The race is not saved: {problem}", severity="error", markup=False)

    # -- panes -------------------------------------------------------------------------------

    def _select(self, index: int) -> None:
        if self.streams.panes:
            self.current = index % len(self.streams.panes)
            self._arrange()
            self._show_status()

    def action_next_pane(self) -> None:
        """Tab: the next pane, unless it completes an `@path` in the prompt (as in the chat)."""
        prompt = self.query_one(PromptArea)
        if prompt.has_focus and prompt.complete_path():
            return
        self._select(self.current + 1)

    def action_previous_pane(self) -> None:
        """Shift+Tab: from the prompt to its files when it has some (as the chips say), else
        the previous pane."""
        chips = self.query_one(AttachmentChips)
        if chips.items and self.query_one(PromptArea).has_focus:
            chips.focus()
            return
        self._select(self.current - 1)

    def on_attachment_chips_left(self) -> None:
        self.query_one(PromptArea).focus()

    def on_race_pane_chosen(self, event: RacePane.Chosen) -> None:
        self._select(event.pane.index)

    def on_pane_tabs_chosen(self, event: PaneTabs.Chosen) -> None:
        self._select(event.index)

    def action_stop_all(self) -> None:
        if not self.streams.stop():
            self.action_back()

    def action_back(self) -> None:
        prompt = self.query_one(PromptArea)
        if not prompt.has_focus:
            prompt.focus()

    def action_stop_pane(self) -> None:
        if not self.streams.stop(self.current):
            self.notify(f"Pane {LABELS[self.current]} is not streaming.", timeout=3)

    async def action_retry_pane(self) -> None:
        race = self.race
        if race is None or race.round == 0:
            self.notify("Send a prompt first: there is nothing to retry.", timeout=3)
            return
        if self.current in self.streams.live:
            self.notify(
                f"Pane {LABELS[self.current]} is still answering: Ctrl+T stops it first.",
                severity="warning",
            )
            return
        await self.streams.retry(self.current)
        self._changed()

    def action_zoom(self) -> None:
        self.zoomed = not self.zoomed
        self._arrange()
        self._changed()

    def action_scroll_together(self) -> None:
        self.together = not self.together
        self._changed()
        if self.together:
            thread = self.streams.panes[self.current].thread
            if thread.max_scroll_y:
                self._follow_scroll(thread, thread.scroll_y / thread.max_scroll_y)

    def on_pane_transcript_scrolled(self, event: PaneTranscript.Scrolled) -> None:
        if self.together:
            self._follow_scroll(event.transcript, event.share)

    def _follow_scroll(self, leader: PaneTranscript, share: float) -> None:
        for pane in self.streams.panes:
            if pane.thread is not leader:
                pane.thread.scroll_to_share(share)

    def _current_thread(self) -> PaneTranscript | None:
        panes = self.streams.panes
        return panes[self.current].thread if panes else None

    def action_page_up(self) -> None:
        if thread := self._current_thread():
            thread.page(down=False)

    def action_page_down(self) -> None:
        if thread := self._current_thread():
            thread.page(down=True)

    def action_follow(self) -> None:
        for pane in self.streams.panes:
            pane.thread.follow()

    def action_copy_answer(self) -> None:
        panes = self.streams.panes
        answer = panes[self.current].answer if panes else None
        if answer is None or not answer.text:
            self.notify("This pane has no answer to copy yet.", severity="warning")
            return
        self.tikhub.copy_text(answer.text, f"pane {LABELS[self.current]}'s answer")

