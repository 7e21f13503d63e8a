"""Code blocks of an answer: find them, pick one, copy it or save it to a file.

Over SSH the clipboard is only reachable through OSC 52, which some terminals ignore and no
terminal takes in unlimited size, so every block can also be written to a file from here.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from tikhub_tui.ui.clipboard import copy_refusal, plan_copy, size_text

PREVIEW = 72
"""Characters of a block's first line shown in the picker."""

EXTENSIONS = {"": ".txt", "console": ".txt", "output": ".txt", "shell-session": ".txt"}
"""File extensions the Pygments lexer table gets wrong (or lacks) for a saved block."""

_PARSER = MarkdownIt("commonmark").disable(["inline", "text_join"])
"""Block rules only: inline parsing is 99% of the time on a long answer and finds no code."""


@dataclass(frozen=True)
class CodeBlock:
    """One code block of an answer, in the order it appears."""

    number: int
    language: str
    """First word of the fence's info string ("" for none and for indented code)."""
    code: str
    """The exact code, without the line break that ends its last line."""
    fenced: bool = True
    closed: bool = True
    """False for a fence the answer never closed (a stopped or cut stream)."""

    @property
    def line_count(self) -> int:
        """Lines of code, a blank last line included (`splitlines` would drop it)."""
        return self.code.count("\n") + 1 if self.code else 0

    @property
    def first_line(self) -> str:
        return next((line for line in self.code.splitlines() if line.strip()), "")

    def what(self) -> str:
        """Words for notifications: 'code block 2 (python)'."""
        return f"code block {self.number}" + (f" ({self.language})" if self.language else "")

    def default_name(self) -> str:
        return f"answer-block-{self.number}{extension(self.language)}"

    def file_text(self) -> str:
        """The block as a text file: its lines, each ending in a line break."""
        return self.code + "\n" if self.code else ""


def extension(language: str) -> str:
    """'.py' for python: the first file pattern of the Pygments lexer, else '.txt'."""
    name = language.lower()
    if name in EXTENSIONS:
        return EXTENSIONS[name]
    from pygments.lexers import find_lexer_class_by_name  # type: ignore[import-untyped]
    from pygments.util import ClassNotFound  # type: ignore[import-untyped]

    try:
        patterns: list[str] = find_lexer_class_by_name(name).filenames
    except ClassNotFound:
        return ".txt"
    for pattern in patterns:
        if re.fullmatch(r"\*\.[\w+-]+", pattern):
            return str(pattern[1:])
    return ".txt"


def _closes(line: str, opening: str, markup: str) -> bool:
    """Is `line` the closing fence for a fence opened by `opening` with `markup`?"""
    body = line.strip()
    if opening.lstrip().startswith(">"):
        body = body.lstrip("> \t")
    run = len(body) - len(body.lstrip(markup[0]))
    return run >= len(markup) and not body[run:].strip()


def code_blocks(markdown: str) -> list[CodeBlock]:
    """Every fenced and indented code block of `markdown`, with its language and exact code."""
    source = markdown.replace("\r\n", "\n").replace("\r", "\n")
    lines = source.split("\n")
    blocks: list[CodeBlock] = []
    for token in _PARSER.parse(source):
        if token.type not in ("fence", "code_block") or token.map is None:
            continue
        start, end = token.map
        number = len(blocks) + 1
        if token.type == "code_block":
            blocks.append(CodeBlock(number, "", token.content.removesuffix("\n"), fenced=False))
            continue
        closed = end - start >= 2 and _closes(lines[end - 1], lines[start], token.markup)
        code = token.content.removesuffix("\n") if closed else token.content.rstrip("\n")
        language = token.info.split(maxsplit=1)[0] if token.info.strip() else ""
        blocks.append(CodeBlock(number, language, code, closed=closed))
    return blocks


def save_text(path: Path, text: str, *, overwrite: bool = False) -> None:
    """Write `text` to `path` whole or not at all, creating parent folders.

    The text goes to a temporary file beside the target first, so a full disk never leaves a
    truncated file and a replaced file keeps its permissions. Raises FileExistsError or OSError.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    old_mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else None
    if old_mode is not None and not overwrite:
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path))
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "x", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        if old_mode is not None:
            os.chmod(temporary, old_mode)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def save_error(path: Path, error: OSError) -> str:
    """The cause and the fix for a failed save, in words."""
    code = error.errno
    if isinstance(error, PermissionError) or code in (errno.EACCES, errno.EPERM):
        return f"Permission denied: you cannot write {path}. Choose a folder you own."
    if code in (errno.ENOSPC, errno.EDQUOT):
        return f"The disk is full: {path} was not written. Free some space or save elsewhere."
    if code == errno.EROFS:
        return f"{path.parent} is on a read-only file system: save elsewhere."
    if isinstance(error, IsADirectoryError):
        return f"{path} is a folder: add a file name."
    if isinstance(error, (NotADirectoryError, FileExistsError)):
        return f"Part of {path} is a file, not a folder: choose another path."
    if code == errno.ENAMETOOLONG:
        return "That file name is too long: choose a shorter one."
    return f"Could not write {path}: {error.strerror or error}. Choose another path."


def copy_or_save(app: App[Any], text: str, what: str, filename: str = "answer.md") -> bool:
    """Copy `text` with OSC 52 and say what was copied; where that cannot work, offer a file.

    Meant as the body of the app's `copy_text`: one place decides, so every copy says the same.
    """
    plan = plan_copy(text, what)
    if not plan.sequence:
        app.push_screen(SaveTextScreen(text, filename, what, plan.message))
        return False
    app._clipboard = text  # what App.clipboard returns
    driver = app._driver  # the pinned Textual has no public raw-write API
    if driver is not None:
        driver.write(plan.sequence)
    if plan.warning:
        app.notify(plan.message, severity="warning", markup=False, timeout=10)
    else:
        app.notify(plan.message, markup=False, timeout=4)
    return True


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


class CodeBlocksScreen(ModalScreen[None]):
    """The code blocks of an answer in a list: Enter copies one, s saves it, Esc closes."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="code-blocks-close"),
        Binding("s,ctrl+s", "save", "Save to file", id="code-blocks-save"),
        Binding("c,y", "copy", "Copy", id="code-blocks-copy", show=False),
    ]

    DEFAULT_CSS = """
    CodeBlocksScreen { align: center middle; }
    CodeBlocksScreen > Vertical { width: 96; max-width: 100%; height: auto; max-height: 80%;
        background: $panel; border: round $accent; padding: 1 2; }
    CodeBlocksScreen .title { text-style: bold; margin: 0 0 1 0; }
    CodeBlocksScreen OptionList { height: auto; max-height: 24; }
    """

    def __init__(self, blocks: list[CodeBlock]) -> None:
        super().__init__()
        self.blocks = blocks

    def compose(self) -> ComposeResult:
        count = len(self.blocks)
        with Vertical():
            yield Label(
                f"{count} code block{'s' if count != 1 else ''} — Enter copies · s saves "
                "to a file · Esc closes",
                classes="title",
                markup=False,
            )
            yield OptionList(*(Option(option_prompt(b)) for b in self.blocks), markup=False)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    @property
    def chosen(self) -> CodeBlock | None:
        index = self.query_one(OptionList).highlighted
        return None if index is None else self.blocks[index]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._copy(self.blocks[event.option_index])

    def action_copy(self) -> None:
        if self.chosen is not None:
            self._copy(self.chosen)

    def action_save(self) -> None:
        if self.chosen is not None:
            self._offer_save(self.chosen)

    def _copy(self, block: CodeBlock) -> None:
        if not block.code:
            what = block.what()
            self.notify(f"{what[:1].upper()}{what[1:]} is empty.", severity="warning")
            return
        refusal = copy_refusal(block.code, block.what())
        if refusal:
            self._offer_save(block, refusal)
            return
        copy_text: Callable[[str, str], object] | None = getattr(self.app, "copy_text", None)
        if copy_text is None:
            self.app.copy_to_clipboard(block.code)
            self.notify(f"Copied {block.what()} ({size_text(block.code)}).", markup=False)
        else:
            copy_text(block.code, block.what())
        self.dismiss()

    def _offer_save(self, block: CodeBlock, notice: str = "") -> None:
        def saved(path: Path | None) -> None:
            if path is not None:
                self.dismiss()

        screen = SaveTextScreen(block.file_text(), block.default_name(), block.what(), notice)
        self.app.push_screen(screen, saved)


def option_prompt(block: CodeBlock) -> Content:
    """Two lines for the picker: number, language and size, then the first line of code."""
    language = block.language or ("indented" if not block.fenced else "no language")
    lines = block.line_count
    size = f"{lines} line{'s' if lines != 1 else ''}" if block.code else "empty"
    first = block.first_line.expandtabs(4).strip()
    if len(first) > PREVIEW:
        first = first[: PREVIEW - 1] + "…"
    return Content.assemble(
        (f"{block.number:>2}  ", "dim"),
        (language, "bold"),
        f" · {size}",
        (" · not closed (the answer stopped inside it)" if not block.closed else "", "italic"),
        "\n    ",
        (first, "dim"),
    )
