"""The settings screen: API key, base URL, models, theme, timeouts, max tokens, system prompt.

Keyring and file I/O run in thread workers that only post messages; the screen's handlers own
the state. Nothing is lost on a failed save: the screen stays open with what was typed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static, TextArea
from textual.worker import Worker, WorkerState

from tikhub_tui.core.catalogue import catalogue
from tikhub_tui.core.model import PROVIDERS
from tikhub_tui.core.secrets import KeyStoreError, clean_key
from tikhub_tui.core.settings import Settings
from tikhub_tui.ui.screens.dialogs import ConfirmScreen
from tikhub_tui.ui.screens.settings.fields import (
    CSS,
    FIELDS,
    NARROW,
    left_column,
    right_column,
)
from tikhub_tui.ui.screens.settings.form import FormValues, parse_form, split_models
from tikhub_tui.ui.screens.settings.key import (
    Destination,
    KeyPanel,
    KeyReport,
    environment_key_set,
    probe_keys,
)
from tikhub_tui.ui.screens.settings.save import (
    SaveOutcome,
    changed_settings,
    config_problems,
    save_everything,
)

if TYPE_CHECKING:
    from tikhub_tui.ui.app import TikhubApp


class SettingsScreen(Screen[None]):
    """Every setting on one screen; Ctrl+S saves, Esc closes (asking first if anything changed)."""

    TITLE = "Settings"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="save-settings", priority=True),
        Binding("escape", "close", "Close", id="close-settings"),
    ]
    DEFAULT_CSS = CSS

    @dataclass
    class KeyReportReady(Message):
        """The key stores were probed."""

        report: KeyReport

    @dataclass
    class ConfigChecked(Message):
        """config.toml was read: its problems, if any."""

        problems: list[str]

    @dataclass
    class SaveFinished(Message):
        """A save ended."""

        outcome: SaveOutcome

    def __init__(self) -> None:
        super().__init__()
        self.saving = False
        """True while a save runs in its worker (Save and Esc wait for it)."""
        self._original_theme = ""
        self._baseline: FormValues | None = None
        self._model_provider = ""
        self._marked: set[str] = set()

    @property
    def tikhub(self) -> TikhubApp:
        return cast("TikhubApp", self.app)

    def compose(self) -> ComposeResult:
        settings = self.tikhub.settings
        self._original_theme = self.app.theme
        themes = sorted(self.app.available_themes)
        theme = settings.theme if settings.theme in themes else self.app.theme
        self._baseline = FormValues.from_settings(settings, theme)
        self._model_provider = settings.provider
        models = self._model_names(settings.provider, settings.models)
        yield Header(show_clock=False, icon="")
        yield Static("", id="config-notice", markup=False)
        with Horizontal(id="columns"):
            with VerticalScroll(id="left", can_focus=False):
                yield from left_column()
            with VerticalScroll(id="right", can_focus=False):
                yield from right_column(settings.provider, settings.model, models, theme, themes)
        with Horizontal(id="actions"):
            yield Static("", id="save-status", markup=False)
            yield Button("Save (Ctrl+S)", id="save", variant="primary")
            yield Button("Close (Esc)", id="close")
        yield Footer()

    def on_mount(self) -> None:
        values = self._baseline
        assert values is not None
        for field_id in ("base-url", "connect-timeout", "read-timeout", "max-tokens"):
            text = getattr(values, field_id.replace("-", "_"))
            self.query_one(f"#{field_id}", Input).value = text
        for provider in PROVIDERS:
            self.query_one(f"#extra-{provider}", Input).value = values.extra[provider]
        prompt = self.query_one("#system-prompt", TextArea)
        prompt.text = values.system_prompt
        blink = self.tikhub.settings.cursor_blink
        for widget in self.query(Input):
            widget.cursor_blink = blink
        prompt.cursor_blink = blink
        self._probe_keys()
        self._check_config()

    def on_resize(self, event: events.Resize) -> None:
        self.query_one("#columns").set_class(event.size.width < NARROW, "-narrow")

    def _model_names(self, provider: str, extra: dict[str, list[str]]) -> list[str]:
        names = list(catalogue(extra).get(provider, []))
        settings = self.tikhub.settings
        if provider == settings.provider and settings.model not in names:
            names.append(settings.model)
        return names

    # -- the form ----------------------------------------------------------------------------

    def values(self) -> FormValues:
        """What the fields hold now."""

        def text(field_id: str) -> str:
            return self.query_one(f"#{field_id}", Input).value

        def chosen(field_id: str) -> str:
            value = self.query_one(f"#{field_id}", Select).value
            return value if isinstance(value, str) else ""

        return FormValues(
            base_url=text("base-url"),
            provider=chosen("provider"),
            model=chosen("model"),
            theme=chosen("theme"),
            connect_timeout=text("connect-timeout"),
            read_timeout=text("read-timeout"),
            max_tokens=text("max-tokens"),
            system_prompt=self.query_one("#system-prompt", TextArea).text,
            extra={p: text(f"extra-{p}") for p in PROVIDERS},
        )

    def changed(self) -> bool:
        """True when something on the screen differs from what was saved."""
        return self.values() != self._baseline or bool(self.query_one(KeyPanel).typed_key())

    def _parse(self) -> tuple[Settings | None, dict[str, str]]:
        values = self.values()
        base = self.tikhub.settings
        assert self._baseline is not None
        if values.theme == self._baseline.theme:  # keeps a theme that is not installed here
            values = dataclasses.replace(values, theme=base.theme)
        return parse_form(values, base)

    def _mark(
        self, errors: dict[str, str], fields: Iterable[str] = FIELDS, add: bool = True
    ) -> None:
        """Show each field's error under it; with add=False only clear the fixed ones."""
        for field_id in fields:
            message = errors.get(field_id, "")
            if message and not add and field_id not in self._marked:
                continue
            if message:
                self._marked.add(field_id)
            else:
                self._marked.discard(field_id)
            self.query_one(f"#{field_id}").set_class(bool(message), "-error")
            label = self.query_one(f"#{field_id}-error", Label)
            label.update(message)
            label.display = bool(message)

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "key":
            self._mark({}, ["key"])
            return
        if event.input.id and event.input.id.startswith("extra-"):
            self._refill_models(self._model_provider)
        self._mark(self._parse()[1], add=False)

    @on(Input.Blurred)
    def _input_blurred(self, event: Input.Blurred) -> None:
        if event.input.id in FIELDS:
            self._mark(self._parse()[1], [event.input.id])

    @on(Input.Submitted)
    def _input_submitted(self) -> None:
        self.focus_next()

    @on(Select.Changed, "#provider")
    def _provider_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self._model_provider:
            self._refill_models(event.value)

    @on(Select.Changed, "#theme")
    def _theme_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.app.theme:
            self.app.theme = event.value  # a preview; Esc puts the old theme back

    def _refill_models(self, provider: str) -> None:
        """The model choice for `provider`, with the extra names typed so far."""
        select: Select[str] = self.query_one("#model", Select)
        current = select.value
        extra: dict[str, list[str]] = {
            p: split_models(self.query_one(f"#extra-{p}", Input).value) for p in PROVIDERS
        }
        names = self._model_names(provider, extra)
        settings = self.tikhub.settings
        select.set_options([(name, name) for name in names])
        if current in names:
            select.value = current
        elif provider == settings.provider and settings.model in names:
            select.value = settings.model
        self._model_provider = provider

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#close")
    def _close_pressed(self) -> None:
        self.action_close()

    # -- the key stores and config.toml, off the UI thread -----------------------------------

    @work(thread=True, exit_on_error=False, group="settings-keys", exclusive=True)
    def _probe_keys(self) -> None:
        self.post_message(self.KeyReportReady(probe_keys()))

    def on_settings_screen_key_report_ready(self, message: KeyReportReady) -> None:
        self.query_one(KeyPanel).show_report(message.report)

    @work(thread=True, exit_on_error=False, group="settings-config")
    def _check_config(self) -> None:
        self.post_message(self.ConfigChecked(config_problems()))

    def on_settings_screen_config_checked(self, message: ConfigChecked) -> None:
        self._notice("\n".join(message.problems))

    def _notice(self, text: str) -> None:
        notice = self.query_one("#config-notice", Static)
        notice.update(text)
        notice.display = bool(text)

    def _status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#save-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    # -- saving and closing ------------------------------------------------------------------

    def action_save(self) -> None:
        if self.saving:
            return
        new, errors = self._parse()
        self._mark(errors)
        panel = self.query_one(KeyPanel)
        key = panel.typed_key()
        if key:
            try:
                key = clean_key(key)
            except KeyStoreError as error:
                errors["key"] = error.message
            self._mark(errors, ["key"])
        if new is None or errors:
            count = "1 marked field" if len(errors) == 1 else f"{len(errors)} marked fields"
            self._status(f"Not saved: fix the {count}.", error=True)
            self.query_one(f"#{next(iter(errors))}").focus()
            return
        self.saving = True
        self.query_one("#save", Button).disabled = True
        self._status("Saving the key and the settings…" if key else "Saving…")
        assert self._baseline is not None
        changed = changed_settings(self.values(), self._baseline)
        self._save(new, key, panel.destination(), changed)

    @work(thread=True, exit_on_error=False, group="settings-save")
    def _save(
        self, new: Settings, key: str, destination: Destination, changed: frozenset[str]
    ) -> None:
        self.post_message(self.SaveFinished(save_everything(new, key, destination, changed)))

    def on_settings_screen_save_finished(self, message: SaveFinished) -> None:
        outcome = message.outcome
        self.saving = False
        self.query_one("#save", Button).disabled = False
        if outcome.key_error:
            self._mark({"key": outcome.key_error}, ["key"])
            self._status("Nothing saved: the key could not be stored (see above).", error=True)
            self.query_one("#key").focus()
            return
        said = []
        if outcome.key_where:
            self.query_one(KeyPanel).forget_typed_key()
            said.append(f"Key {outcome.key_masked} saved in {outcome.key_where}.")
            if environment_key_set():
                said.append("TIKHUB_API_KEY still wins while it is set.")
            self.query_one(KeyPanel).show_checking("Checking the keyring…")
            self._probe_keys()
        if outcome.error:
            self._save_failed(outcome, said)
            return
        self._baseline = self.values()
        self._original_theme = self.app.theme
        self._notice("")
        self._status(" ".join([f"Saved to {outcome.path}.", *said]))
        self.tikhub.apply_settings(outcome.settings, key_changed=bool(outcome.key_where))

    def _save_failed(self, outcome: SaveOutcome, said: list[str]) -> None:
        self._status(" ".join([*said, f"Settings not saved: {outcome.error}"]), error=True)
        self.notify(
            outcome.error, title="Settings not saved", severity="error", markup=False, timeout=10
        )
        if outcome.key_where:
            self.tikhub.apply_settings(self.tikhub.settings, key_changed=True)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The workers catch what they expect; anything else is said, never raised."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        why = f"{type(error).__name__}: {error}"
        if event.worker.group == "settings-save":
            failed = SaveOutcome(self.tikhub.settings, error=f"saving stopped ({why})")
            self.on_settings_screen_save_finished(self.SaveFinished(failed))
        elif event.worker.group == "settings-keys":
            self.query_one(KeyPanel).show_checking(f"The keyring could not be checked ({why}).")

    def action_close(self) -> None:
        if self.saving:
            self.notify("Still saving…", timeout=3)
            return
        if not self.changed():
            self._leave()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self._leave()

        question = ConfirmScreen(
            "Discard the changes you made in Settings?",
            "Discard",
            "Keep editing",
            keys=("d", "k"),
            default=False,
        )
        self.app.push_screen(question, answered)

    def _leave(self) -> None:
        if self.app.theme != self._original_theme:
            self.app.theme = self._original_theme
        self.dismiss()
