"""Small dialogs of the race: one pane's own settings, and the name of a model set to save.

Each returns its answer through `dismiss`; nothing here touches a file or the store.
"""

from __future__ import annotations

from dataclasses import replace

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Footer, Input, Label, TextArea

from tikhub_tui.core.model import Reasoning
from tikhub_tui.core.race.panes import MAX_SYSTEM, PaneSpec
from tikhub_tui.core.race.safe import shown
from tikhub_tui.core.race.sets import SetsError, check_name
from tikhub_tui.ui.screens.dialogs import blinks

_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 76; max-width: 100%; height: auto; max-height: 100%;
    background: $panel; border: round $accent; padding: 0 1; }}
{name} Label.title {{ text-style: bold; color: $text-accent; margin: 0 0 1 0; }}
{name} Label.problem {{ color: $text-error; height: auto; }}
{name} TextArea {{ height: 6; }}
{name} Horizontal {{ height: auto; align-horizontal: right; }}
{name} Button {{ margin: 0 0 0 2; }}
"""


class PaneOptionsScreen(ModalScreen[PaneSpec | None]):
    """A pane's own reasoning setting and system prompt; Ctrl+S saves, Esc cancels."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="pane-options-cancel"),
        Binding("ctrl+s", "save", "Save", id="pane-options-save", priority=True),
    ]
    DEFAULT_CSS = _CSS.format(name="PaneOptionsScreen")

    def __init__(self, pane: PaneSpec, label: str) -> None:
        super().__init__()
        self.pane = pane
        self.label = label

    def compose(self) -> ComposeResult:
        pane = self.pane
        with Vertical():
            yield Label(
                f"{self.label} · {shown(pane.model, lines=False)} ({pane.provider}): its own "
                "settings",
                classes="title",
                markup=False,
            )
            yield Label("Reasoning (a level, or a thinking budget in tokens)", markup=False)
            yield Input(
                str(pane.reasoning.effort or pane.reasoning.budget) if pane.reasoning else "",
                placeholder="the model's default · off, minimal, low, medium, high, or 8000",
                id="reasoning",
            )
            yield Checkbox(
                "Its own system prompt (else the race's, from Settings)",
                pane.system is not None,
                id="own-system",
            )
            yield TextArea(pane.system or "", id="system", soft_wrap=True)
            yield Label("", classes="problem", markup=False)
            with Horizontal():
                yield Button("Cancel", id="cancel")
                yield Button("Save (Ctrl+S)", id="save", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        field = self.query_one("#reasoning", Input)
        field.cursor_blink = blinks(self.app)
        self.query_one("#system", TextArea).cursor_blink = blinks(self.app)
        self.query_one("#system", TextArea).disabled = self.pane.system is None
        field.focus()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self.query_one("#system", TextArea).disabled = not event.value

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        text = self.query_one("#reasoning", Input).value.strip()
        problem = self.query_one(".problem", Label)
        try:
            reasoning = Reasoning.parse(text) if text else None
        except ValueError as error:
            problem.update(str(error))
            return
        system: str | None = None
        if self.query_one("#own-system", Checkbox).value:
            system = self.query_one("#system", TextArea).text
            if len(system) > MAX_SYSTEM:
                problem.update(f"A system prompt has at most {MAX_SYSTEM:,} characters.")
                return
        self.dismiss(replace(self.pane, reasoning=reasoning, system=system))

    def action_cancel(self) -> None:
        self.dismiss(None)


class SetNameScreen(ModalScreen[str | None]):
    """Asks the name of a model set to save; Enter saves, Esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="set-name-cancel")]
    DEFAULT_CSS = _CSS.format(name="SetNameScreen")

    def __init__(self, suggestion: str = "", taken: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.suggestion = suggestion
        self.taken = taken

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                "Save these models as a set — Enter saves · Esc cancels",
                classes="title",
                markup=False,
            )
            yield Input(self.suggestion, placeholder="a name: fast, frontier…", id="name")
            yield Label("", classes="problem", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.cursor_blink = blinks(self.app)
        field.focus()
        field.select_all()

    def on_input_changed(self, event: Input.Changed) -> None:
        note = ""
        if " ".join(event.value.split()) in self.taken:
            note = "A set of this name exists: saving replaces it."
        self.query_one(".problem", Label).update(note)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            self.dismiss(check_name(event.value))
        except SetsError as error:
            self.query_one(".problem", Label).update(f"{error}.")

    def action_cancel(self) -> None:
        self.dismiss(None)
