"""Code blocks of an answer: find them, pick one, copy it or save it to a file (save_text.py).

Over SSH the clipboard is only reachable through OSC 52, which some terminals ignore and no
terminal takes in unlimited size, so every block can also be written to a file from here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tikhub_tui.ui.clipboard import copy_refusal, size_text
from tikhub_tui.ui.screens.save_text import SaveTextScreen

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
