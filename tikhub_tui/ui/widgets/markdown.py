"""Textual's Markdown widget, with lists that grow in place while an answer streams, and
text appended after a full render going on with the block it belongs to.

`Markdown.append` re-parses the last block and hands it to the mounted block's
`_update_from_block`. Paragraphs, code fences and tables update in place; a list is removed and
mounted again whole, every widget of every item, on each update of the stream. Here a list that
only gained items, or whose last item grew, replaces its last row and mounts the new ones: the
cost of an update no longer grows with the length of the list.

The list classes live in Textual's private `_markdown` module; textual is pinned in
pyproject.toml, and `tests/test_answer_markdown.py` checks the result against a full render.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress

from textual.await_complete import AwaitComplete
from textual.containers import Horizontal, Vertical
from textual.widgets import Markdown
from textual.widgets._markdown import (
    MarkdownBlock,
    MarkdownBullet,
    MarkdownBulletList,
    MarkdownListItem,
    MarkdownOrderedList,
)


def _row(symbol: str, item: MarkdownListItem) -> Horizontal:
    """One list item as Textual's lists compose it: the bullet beside the item's blocks."""
    bullet = MarkdownBullet()
    bullet.symbol = symbol
    return Horizontal(bullet, Vertical(*item._blocks))


def _symbol(row: Horizontal) -> str:
    bullet = row.children[0]
    return bullet.symbol if isinstance(bullet, MarkdownBullet) else ""


def _items(block: MarkdownBlock) -> list[MarkdownListItem]:
    return [child for child in block._blocks if isinstance(child, MarkdownListItem)]


async def _grow(
    widget: MarkdownBlock,
    block: MarkdownBlock,
    items: list[MarkdownListItem],
    symbols: list[str],
) -> bool:
    """Bring the mounted list `widget` up to `block`, a newer parse of it with these items
    and item symbols, by replacing its last row and adding the new ones; False if `block` is
    not the same list grown (then it must be built anew)."""
    rows = [child for child in widget.children if isinstance(child, Horizontal)]
    if type(block) is not type(widget) or not rows:
        return False
    shown = [_symbol(row) for row in rows]
    if len(items) < len(rows) or symbols[: len(rows) - 1] != shown[:-1]:
        return False
    widget._copy_context(block)
    keep = len(rows) - 1
    grown = zip(symbols[keep:], items[keep:], strict=True)
    new_rows = [_row(symbol, item) for symbol, item in grown]
    with widget.app.batch_update():
        await rows[-1].remove()
        await widget.mount_all(new_rows)
    return True


# Subclassed singly: Textual takes a widget's CSS type names (and the default CSS that applies
# to it) from the first base of each class only.
class GrowingBulletList(MarkdownBulletList):
    async def _update_from_block(self, block: MarkdownBlock) -> None:
        items = _items(block)
        if not await _grow(self, block, items, [item.bullet for item in items]):
            await super()._update_from_block(block)


class GrowingOrderedList(MarkdownOrderedList):
    async def _update_from_block(self, block: MarkdownBlock) -> None:
        items = _items(block)
        if not await _grow(self, block, items, list(_ordered_symbols(items))):
            await super()._update_from_block(block)


def _ordered_symbols(items: list[MarkdownListItem]) -> Iterator[str]:
    """The numbers `MarkdownOrderedList.compose` gives its items (right-aligned together)."""
    start = 1
    if items:
        with suppress(ValueError):
            start = int(items[0].bullet)
    labels = [f"{number}. " for number in range(start, start + len(items))]
    width = max((len(label) for label in labels), default=0) + 1
    for label in labels:
        yield label.rjust(width)


class AnswerMarkdown(Markdown):
    """The Markdown of an answer: Textual's, with lists that grow in place, and `append`
    after `update` going on with the last block."""

    BLOCKS = {
        **Markdown.BLOCKS,
        "bullet_list_open": GrowingBulletList,
        "ordered_list_open": GrowingOrderedList,
    }

    def update(self, markdown: str) -> AwaitComplete:
        """Textual's update, after which `append` re-parses from the start of the last block
        (Textual's resumes at the last line, so text appended to a code fence that was still
        open became a paragraph of its own)."""
        updating = super().update(markdown)

        async def then() -> None:
            await updating
            blocks = [child for child in self.children if isinstance(child, MarkdownBlock)]
            if blocks:
                self._last_parsed_line = blocks[-1].source_range[0]

        return AwaitComplete(then())

    def on_resize(self) -> None:
        """Tell a segment that froze its height: its last blocks can lay out after that."""
        from tikhub_tui.ui.widgets.segment import Segment

        if isinstance(self.parent, Segment):
            self.parent.refit(self)
