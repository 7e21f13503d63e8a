"""The sidebar: providers and their models as a tree, and the sessions below it."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, Tree

from tikhub_tui.core.catalogue import PROVIDER_LABELS
from tikhub_tui.ui.widgets.sessions import SessionList


class ModelTree(Tree[tuple[str, str]]):
    """Providers -> models; Enter on a model chooses it for the next prompt."""

    DEFAULT_CSS = """
    ModelTree { height: auto; max-height: 60%; background: transparent; }
    """

    @dataclass
    class Chosen(Message):
        """A model was chosen in the tree."""

        provider: str
        model: str

    def __init__(self, models: dict[str, list[str]], current: tuple[str, str]) -> None:
        super().__init__("Models", id="models")
        self.show_root = False
        self.guide_depth = 2
        self._current = current
        self.fill(models)

    def fill(self, models: dict[str, list[str]]) -> None:
        """(Re)build the tree: providers, then their models, the current one marked."""
        self.clear()
        for provider, names in models.items():
            branch = self.root.add(
                PROVIDER_LABELS.get(provider, provider), expand=provider == self._current[0]
            )
            for name in names:
                branch.add_leaf(self._label(provider, name), data=(provider, name))

    def _label(self, provider: str, name: str) -> str:
        return f"● {name}" if (provider, name) == self._current else f"  {name}"

    def mark(self, provider: str, model: str) -> None:
        """Show which model the next prompt goes to."""
        self._current = (provider, model)
        for branch in self.root.children:
            for leaf in branch.children:
                if leaf.data:
                    leaf.set_label(self._label(*leaf.data))
                    if leaf.data == self._current:
                        branch.expand()

    def show_current(self) -> None:
        """Put the cursor on the model the next prompt goes to (its provider expanded)."""
        for branch in self.root.children:
            for leaf in branch.children:
                if leaf.data == self._current:
                    branch.expand()
                    # the node's line is known once the tree has laid out its lines again
                    self.call_after_refresh(self.move_cursor, leaf)
                    return

    def on_focus(self) -> None:
        if self.cursor_node is None or self.cursor_node.data is None:
            self.show_current()

    def on_tree_node_selected(self, event: Tree.NodeSelected[tuple[str, str]]) -> None:
        if event.node.data is not None:
            event.stop()
            self.post_message(self.Chosen(*event.node.data))


NARROW = 100
"""Below this many columns the sidebar starts hidden."""


class Sidebar(Vertical):
    """Models above, sessions below; hidden on a narrow terminal until the user shows it."""

    DEFAULT_CSS = """
    Sidebar { width: 32; height: 1fr; border-right: vkey $border-blurred; padding: 0 0 0 1; }
    Sidebar.-hidden { display: none; }
    Sidebar > Label { color: $text-muted; text-style: bold; margin: 1 0 0 0; }
    Sidebar > SessionList { height: 1fr; background: transparent; border: none; }
    """

    def __init__(self, models: dict[str, list[str]], current: tuple[str, str]) -> None:
        super().__init__(id="sidebar")
        self._models = models
        self._current = current
        self._chosen = False
        """The user showed or hid it: the terminal's width no longer decides."""

    def fit(self, width: int) -> None:
        """On a narrow terminal (an 80-column SSH window) start hidden, so the transcript
        keeps its width; once the user shows or hides it, it stays so."""
        if not self._chosen:
            self.set_class(width < NARROW, "-hidden")

    def toggle(self) -> bool:
        """Show it if hidden, else hide it; True when it is now shown."""
        self._chosen = True
        self.toggle_class("-hidden")
        return not self.has_class("-hidden")

    def reveal(self) -> None:
        self._chosen = True
        self.remove_class("-hidden")

    def compose(self) -> ComposeResult:
        yield Label("MODELS")
        yield ModelTree(self._models, self._current)
        yield Label("SESSIONS")
        yield SessionList(id="sessions")
