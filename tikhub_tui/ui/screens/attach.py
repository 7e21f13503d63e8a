"""The file picker: a directory tree rooted at the current directory, filtered as you type.

Over SSH a file is a path on the machine the app runs on, so the picker shows that machine's
files; typing narrows the tree to the files whose names hold what was typed (case does not
matter) and the folders leading to them, opened; a typed path to a folder roots the tree
there, and Enter on a file (or on a typed path naming one) attaches it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from rich.text import Text, TextType
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DirectoryTree, Footer, Input, Label
from textual.widgets._directory_tree import DirEntry
from textual.widgets._tree import TreeNode

from tikhub_tui.core.untrusted import for_terminal
from tikhub_tui.ui.screens.dialogs import blinks
from tikhub_tui.ui.widgets.attachments import AttachmentChips

SEARCHED = 2000
"""Entries read below a folder to learn whether it leads to a match; a folder too large to
search that far is shown (it may)."""


def leads_to(folder: Path, needle: str) -> bool:
    """A file whose name holds `needle` lies somewhere below `folder` (hidden entries only for
    a needle starting with a dot; links to folders are not followed)."""
    hidden, folders, read = needle.startswith("."), [folder], 0
    while folders:
        try:
            entries = os.scandir(folders.pop())
        except OSError:
            continue
        with entries:
            for entry in entries:
                read += 1
                if read > SEARCHED:
                    return True
                name = entry.name.lower()
                if name.startswith(".") and not hidden:
                    continue
                try:
                    inside = entry.is_dir(follow_symlinks=False)
                except OSError:
                    continue
                if inside:
                    folders.append(Path(entry.path))
                elif needle in name:
                    return True
    return False


class FilteredTree(DirectoryTree):
    """A DirectoryTree of the files whose name holds `needle` and the folders leading to them
    (opened as they load); every entry when there is no needle; hidden entries only when the
    needle starts with a dot."""

    ICON_NODE_EXPANDED = "▾ "
    ICON_NODE = "▸ "
    ICON_FILE = "  "

    needle = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._misses: dict[Path, str] = {}
        """Folders found to hold no match, and for which needle: nor do they for a longer one
        holding it (typing narrows the filter, and each key reloads the tree)."""

    def _leads_to(self, folder: Path, needle: str) -> bool:
        missed = self._misses.get(folder)
        hidden = needle.startswith(".")
        if missed is not None and missed in needle and missed.startswith(".") == hidden:
            return False
        if leads_to(folder, needle):
            return True
        self._misses[folder] = needle
        return False

    def process_label(self, label: TextType) -> Text:
        """A name as text, its control characters shown (a file name can hold escapes); the
        root as its folder's name."""
        plain = label.plain if isinstance(label, Text) else str(label)
        if plain.startswith("/"):
            plain = (Path(plain).name or "/") + "/"
        return Text(for_terminal(plain), no_wrap=True)

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        needle = self.needle.lower()
        shown = []
        for path in paths:
            name = path.name.lower()
            if name.startswith(".") and not needle.startswith("."):
                continue
            try:
                folder = path.is_dir()
            except OSError:  # a link to nowhere, a folder we may not read
                continue
            if not needle or (self._leads_to(path, needle) if folder else needle in name):
                shown.append(path)
        return shown

    def _populate_node(self, node: TreeNode[DirEntry], content: Iterable[Path]) -> None:
        """Filtered, the folders shown lead to matches: open them (each loads, filtered)."""
        super()._populate_node(node, content)
        if self.needle:
            for child in node.children:
                if child.allow_expand and not child.is_expanded:
                    child.expand()


class AttachScreen(ModalScreen[Path | None]):
    """Returns the chosen file's path (None when cancelled)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="attach-cancel"),
        Binding("down", "tree", "To the files", id="attach-to-tree", show=False),
    ]
    DEFAULT_CSS = """
    AttachScreen { align: center middle; }
    AttachScreen > Vertical { width: 90%; max-width: 100; height: 90%; background: $panel;
        border: round $accent; padding: 0 1; }
    AttachScreen .question { width: 100%; height: auto; margin: 0 0 1 0; }
    AttachScreen FilteredTree { height: 1fr; background: $panel; border: round $border-blurred;
        border-title-color: $text-muted; }
    AttachScreen FilteredTree:focus { border: round $border; }
    AttachScreen .problem { color: $text-error; height: auto; }
    """

    def __init__(self, root: Path | None = None) -> None:
        super().__init__()
        self.root = root or Path.cwd()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                "Attach a file — type to filter or a path · Down to the files · "
                "Enter attaches · Esc cancels",
                classes="question",
            )
            yield Input(placeholder="part of a name, or a path: docs/, ~/Downloads/…", id="filter")
            yield FilteredTree(self.root, id="files")
            yield Label("", classes="problem", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.cursor_blink = blinks(self.app)
        field.focus()
        tree = self.query_one(FilteredTree)
        tree.show_root = False  # the folder's entries at the top; its name is on the border
        self._show_folder(self.root)

    def _show_folder(self, folder: Path) -> None:
        """The folder's name on the tree's border (its path when outside the first one)."""
        inside = folder == self.root or folder.is_relative_to(self.root)
        name = f"{folder.name or folder}/" if inside else str(folder)
        name = name if len(name) <= 60 else "…" + name[-59:]
        self.query_one(FilteredTree).border_title = for_terminal(name)

    async def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one(".problem", Label).update("")
        tree = self.query_one(FilteredTree)
        typed = event.value.strip()
        # `docs/rep`: the folder `docs/`, its names holding `rep`
        folder_part, slash, needle = typed.rpartition("/")
        folder = self._typed_path(folder_part + slash) if slash else None
        if folder is None or not folder.is_dir():
            folder, needle = self.root, typed
        tree.needle = needle
        if Path(tree.path) != folder:
            tree.path = folder  # reloads the tree
            self._show_folder(folder)
        else:
            await tree.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        typed = self._typed_path(event.value.strip())
        if typed is not None and typed.is_file():
            self.dismiss(typed)
        elif event.value.strip():
            self.action_tree()
        else:
            self.query_one(".problem", Label).update("Type a file's path, or pick one below.")

    def _typed_path(self, typed: str) -> Path | None:
        """What was typed, as a path (relative to the tree's root), if it looks like one."""
        if not typed or not any(mark in typed for mark in ("/", "~", ".")):
            return None
        path = Path(typed).expanduser()
        path = path if path.is_absolute() else self.root / path
        try:
            path.stat()
        except (OSError, ValueError):
            return None
        return path

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.dismiss(Path(event.path))

    def action_tree(self) -> None:
        tree = self.query_one(FilteredTree)
        tree.focus()
        if tree.cursor_line < 0:
            tree.cursor_line = 0

    def action_cancel(self) -> None:
        self.dismiss(None)


class ScreenFiles:
    """The files part of a screen that takes them (the chat, the race): its chips, the picker
    above, and a refusal said; the screen's own part decides what `attach` checks."""

    screen: Screen[Any]
    """The screen it belongs to (a subclass names its own screen's type)."""

    def __init__(self, screen: Screen[Any]) -> None:
        self.screen = screen

    @property
    def chips(self) -> AttachmentChips:
        return self.screen.query_one(AttachmentChips)

    def _refuse(self, words: str, title: str = "Not attached") -> None:
        """Say why (a file's name can hold escapes: shown, never obeyed)."""
        self.screen.notify(
            for_terminal(words), title=title, severity="error", timeout=20, markup=False
        )

    def pick(self) -> None:
        """The file picker; the chosen file joins the chips."""

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.screen.run_worker(self.attach([path]), group="attach")

        self.screen.app.push_screen(AttachScreen(), chosen)

    async def attach(self, paths: Sequence[Path]) -> bool:
        """Read the files and add them to the chips if the screen's models take them."""
        raise NotImplementedError
