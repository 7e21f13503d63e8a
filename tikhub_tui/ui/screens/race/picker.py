"""Picking a race's models: the catalogue on the left, the race's panes on the right, saved sets.

Enter on a model puts it in the race or takes it out; + adds it once more (the same model with
other settings); a pane's own settings (reasoning, system prompt) are edited from the right;
a saved set replaces the panes. The picker changes the sets in memory only and returns them
with the panes: the race screen writes the file in a worker.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, OptionList, Select
from textual.widgets.option_list import Option

from tikhub_tui.core.catalogue import PROVIDER_LABELS
from tikhub_tui.core.race.panes import (
    LABELS,
    MAX_PANES,
    MIN_PANES,
    PaneError,
    PaneSpec,
    Resolver,
    parse_pane,
)
from tikhub_tui.core.race.safe import shown
from tikhub_tui.core.race.sets import ModelSets
from tikhub_tui.ui.screens.dialogs import blinks
from tikhub_tui.ui.screens.race.dialogs import PaneOptionsScreen, SetNameScreen

LAST = "\x00last"
"""The set selector's value for the last race's models."""


@dataclass
class Picked:
    """What the picker returns: the race's panes, and the sets as the user left them."""

    panes: list[PaneSpec]
    sets: ModelSets
    sets_changed: bool
    start: bool = True
    """Race these panes (False: the picker was cancelled, but the sets were changed)."""


def pane_words(label: str, pane: PaneSpec) -> str:
    settings = pane.settings_words()
    text = f"{label}  {shown(pane.model, lines=False)} ({pane.provider})"
    return text + (f" · {settings}" if settings else "")


class RacePicker(ModalScreen[Picked | None]):
    """See the module docstring."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="race-picker-cancel"),
        Binding("ctrl+s", "start", "Race", id="race-picker-start", priority=True),
        Binding("plus", "add_again", "Add again", id="race-picker-add-again"),
        Binding("o", "options", "Own settings", id="race-picker-options"),
        Binding("delete,d", "remove", "Remove", id="race-picker-remove"),
    ]

    DEFAULT_CSS = """
    RacePicker { align: center middle; }
    RacePicker > #dialog { width: 110; max-width: 100%; height: 34; max-height: 100%;
        background: $panel; border: round $accent; padding: 0 1; }
    RacePicker #title { text-style: bold; color: $text-accent; }
    RacePicker #sets-row { height: 3; }
    RacePicker #sets { width: 1fr; }
    RacePicker #lists { height: 1fr; }
    RacePicker #lists > Vertical { width: 1fr; height: 1fr; }
    RacePicker OptionList { height: 1fr; }
    RacePicker #other { height: 3; }
    RacePicker #problem { color: $text-error; height: 1; }
    RacePicker #buttons { height: 3; align-horizontal: right; }
    RacePicker Button { margin: 0 0 0 1; min-width: 10; }
    """

    def __init__(
        self,
        models: dict[str, list[str]],
        panes: list[PaneSpec],
        sets: ModelSets,
        resolve: Resolver,
    ) -> None:
        super().__init__()
        self.models = models
        self.panes = list(panes)
        self.sets = sets
        self.resolve = resolve
        self.sets_changed = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(
                f"Race: pick {MIN_PANES} to {MAX_PANES} models — Enter puts one in or takes "
                "it out · + adds it again · Ctrl+S races",
                id="title",
                markup=False,
            )
            with Horizontal(id="sets-row"):
                yield Select[str]([], prompt="Saved model sets", id="sets")
                yield Button("Save as set", id="save-set")
                yield Button("Delete set", id="delete-set")
            with Horizontal(id="lists"):
                with Vertical():
                    yield OptionList(id="catalogue")
                    yield Input(placeholder="another model name · Enter adds it", id="other")
                with Vertical():
                    yield OptionList(id="chosen")
                    yield Label("Enter or o: its own settings · d: remove", markup=False)
            yield Label("", id="problem", markup=False)
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Race (Ctrl+S)", id="start", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#other", Input).cursor_blink = blinks(self.app)
        self._fill_sets()
        self._fill_catalogue()
        self._fill_chosen()
        self.query_one("#catalogue", OptionList).focus()

    # -- the lists ---------------------------------------------------------------------------

    def _fill_sets(self) -> None:
        options = [("the last race's models", LAST)] if self.sets.last else []
        options += [(name, name) for name in sorted(self.sets.sets)]
        self.query_one("#sets", Select).set_options(options)

    def _fill_catalogue(self, keep: int | None = None) -> None:
        chosen = [(p.provider, p.model) for p in self.panes]
        listing = self.query_one("#catalogue", OptionList)
        listing.clear_options()
        for provider, names in self.models.items():
            listing.add_option(
                Option(Content(PROVIDER_LABELS.get(provider, provider)), disabled=True)
            )
            for name in names:
                count = chosen.count((provider, name))
                mark = "✓" if count == 1 else f"{count}×" if count else " "
                text = f" {mark:>2} {shown(name, lines=False)}"
                listing.add_option(Option(Content(text), id=f"{provider}\x00{name}"))
        if keep is not None:
            listing.highlighted = keep
        elif listing.option_count > 1:
            listing.highlighted = 1

    def _fill_chosen(self, keep: int | None = None) -> None:
        listing = self.query_one("#chosen", OptionList)
        listing.clear_options()
        for label, pane in zip(LABELS, self.panes, strict=False):
            listing.add_option(Option(Content(pane_words(label, pane))))
        if not self.panes:
            empty = Content("(no models yet: pick them on the left)")
            listing.add_option(Option(empty, disabled=True))
        listing.border_title = f"In this race: {len(self.panes)} of {MAX_PANES}"
        if keep is not None and self.panes:
            listing.highlighted = min(keep, len(self.panes) - 1)
        self.query_one("#problem", Label).update("")

    def _say(self, problem: str) -> None:
        self.query_one("#problem", Label).update(problem)

    def _add(self, pane: PaneSpec) -> bool:
        if len(self.panes) >= MAX_PANES:
            self._say(f"A race has at most {MAX_PANES} models: take one out first (d).")
            return False
        self.panes.append(pane)
        return True

    @on(OptionList.OptionSelected, "#catalogue")
    def _toggle(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        provider, name = (event.option.id or "").split("\x00", 1)
        present = [p for p in self.panes if (p.provider, p.model) == (provider, name)]
        if present:
            self.panes = [p for p in self.panes if p not in present]
        elif not self._add(PaneSpec(name, provider)):
            return
        self._fill_catalogue(keep=event.option_index)
        self._fill_chosen()

    def action_add_again(self) -> None:
        listing = self.query_one("#catalogue", OptionList)
        index = listing.highlighted
        if self.focused is not listing or index is None:
            return
        option = listing.get_option_at_index(index)
        provider, _, name = (option.id or "").partition("\x00")
        if name and self._add(PaneSpec(name, provider)):
            self._fill_catalogue(keep=index)
            self._fill_chosen()

    @on(Input.Submitted, "#other")
    def _add_other(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            return
        try:
            pane = parse_pane(event.value, self.resolve)
        except PaneError as error:
            self._say(str(error))
            return
        if self._add(pane):
            event.input.clear()
            self._fill_catalogue()
            self._fill_chosen()

    @on(OptionList.OptionSelected, "#chosen")
    def _chosen_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_options()

    def _chosen_index(self) -> int | None:
        listing = self.query_one("#chosen", OptionList)
        if self.focused is not listing or not self.panes or listing.highlighted is None:
            return None
        return min(listing.highlighted, len(self.panes) - 1)

    def action_options(self) -> None:
        index = self._chosen_index()
        if index is None:
            return

        def done(pane: PaneSpec | None) -> None:
            if pane is not None:
                self.panes[index] = pane
                self._fill_chosen(keep=index)

        self.app.push_screen(PaneOptionsScreen(self.panes[index], LABELS[index]), done)

    def action_remove(self) -> None:
        index = self._chosen_index()
        if index is not None:
            del self.panes[index]
            self._fill_catalogue()
            self._fill_chosen(keep=index)

    # -- sets --------------------------------------------------------------------------------

    @on(Select.Changed, "#sets")
    def _load_set(self, event: Select.Changed) -> None:
        value = event.value
        if not isinstance(value, str):
            return
        self.panes = list(self.sets.last if value == LAST else self.sets.sets.get(value, []))
        self._fill_catalogue()
        self._fill_chosen()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {
            "save-set": self._save_set,
            "delete-set": self._delete_set,
            "start": self.action_start,
            "cancel": self.action_cancel,
        }
        actions[event.button.id or "cancel"]()

    def _save_set(self) -> None:
        if not MIN_PANES <= len(self.panes) <= MAX_PANES:
            self._say(f"A set holds {MIN_PANES} to {MAX_PANES} models.")
            return
        value = self.query_one("#sets", Select).value
        suggestion = value if isinstance(value, str) and value != LAST else ""

        def named(name: str | None) -> None:
            if name:
                self.sets.sets[name] = list(self.panes)
                self.sets_changed = True
                self._fill_sets()
                self.query_one("#sets", Select).value = name
                self.notify(f"Saved the set {name!r}.", markup=False, timeout=3)

        self.app.push_screen(SetNameScreen(suggestion, frozenset(self.sets.sets)), named)

    def _delete_set(self) -> None:
        value = self.query_one("#sets", Select).value
        if not isinstance(value, str) or value not in self.sets.sets:
            self._say("Choose a saved set first, then delete it.")
            return
        del self.sets.sets[value]
        self.sets_changed = True
        self._fill_sets()
        self.notify(f"Deleted the set {value!r}.", markup=False, timeout=3)

    # -- the end -----------------------------------------------------------------------------

    def action_start(self) -> None:
        if not MIN_PANES <= len(self.panes) <= MAX_PANES:
            self._say(f"Pick {MIN_PANES} to {MAX_PANES} models (now {len(self.panes)}).")
            return
        self.dismiss(Picked(self.panes, self.sets, self.sets_changed))

    def action_cancel(self) -> None:
        """Close without racing; sets saved or deleted meanwhile stay so."""
        if self.sets_changed:
            self.dismiss(Picked(self.panes, self.sets, True, start=False))
        else:
            self.dismiss(None)
