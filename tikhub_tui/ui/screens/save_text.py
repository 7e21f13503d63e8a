"""Save a text to a file: the dialog the clipboard falls back to, and the code picker's save.

It never replaces a file without a second Enter, and says why a save failed and what to do.
"""

from __future__ import annotations

import os
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from tikhub_tui.ui.clipboard import save_error, save_text, size_text


class SaveTextScreen(ModalScreen[Path | None]):
    """Asks for a path and writes a text there; never replaces a file without a second Enter."""

    BINDINGS = [Binding("escape", "dismiss", "Cancel", id="save-cancel")]

    DEFAULT_CSS = """
    SaveTextScreen { align: center middle; }
    SaveTextScreen > Vertical { width: 84; max-width: 100%; height: auto; padding: 1 2;
        background: $panel; border: round $accent; }
    SaveTextScreen .title { text-style: bold; }
    SaveTextScreen #notice { color: $text-warning; margin: 1 0 0 0; }
    SaveTextScreen #where { color: $text-muted; margin: 1 0 0 0; }
    SaveTextScreen #problem { color: $text-error; height: auto; }
    SaveTextScreen #problem.-confirm { color: $text-warning; }
    SaveTextScreen .hint { color: $text-muted; }
    """

    def __init__(self, text: str, default_name: str, what: str, notice: str = "") -> None:
        super().__init__()
        self.text = text
        self.default_name = default_name
        self.what = what
        self.notice = notice
        self._confirmed: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Save {self.what} to a file", classes="title", markup=False)
            if self.notice:
                yield Label(self.notice, id="notice", markup=False)
            yield Label(f"Path (relative to {Path.cwd()}):", id="where", markup=False)
            yield Input(self.default_name, id="path")
            yield Label("", id="problem", markup=False)
            yield Label("Enter saves · Esc cancels", classes="hint", markup=False)

    def target(self) -> Path | None:
        """The file the typed path means (a folder gets the default name)."""
        typed = self.query_one("#path", Input).value.strip()
        if not typed:
            return None
        path = Path(typed).expanduser()
        if typed.endswith(("/", os.sep)) or path.is_dir():
            path = path / self.default_name
        return path if path.is_absolute() else Path.cwd() / path

    def on_input_changed(self) -> None:
        self._confirmed = None
        self._problem("")

    def _problem(self, message: str, confirm: bool = False) -> None:
        label = self.query_one("#problem", Label)
        label.update(message)
        label.set_class(confirm, "-confirm")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        path = self.target()
        if path is None:
            self._problem("Type a file name.")
            return
        try:
            save_text(path, self.text, overwrite=self._confirmed == path)
        except FileExistsError:
            if path.exists() and not path.is_dir():
                self._confirmed = path
                self._problem(f"{path} exists: Enter again replaces it.", confirm=True)
            else:
                self._problem(save_error(path, NotADirectoryError()))
            return
        except OSError as error:
            self._problem(save_error(path, error))
            return
        self.app.notify(f"Saved {self.what} to {path} ({size_text(self.text)}).", markup=False)
        self.dismiss(path)
