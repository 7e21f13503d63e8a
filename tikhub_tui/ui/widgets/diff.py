"""The differences between two answers, drawn line by line in the theme's colours.

A line-API view (it renders only the rows on screen): side by side when there is room for two
readable columns, one above the other otherwise; n and p jump between changes. Answer text is
shown through one function, `shown`, so control characters never reach the terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Literal

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style

from tikhub_tui.core.judging.diff import Diff, DiffRow, Line, diff_words
from tikhub_tui.core.store.text import display_safe

SIDE_BY_SIDE = 100
"""Columns needed to show the answers side by side (about 48 for each)."""
Arrangement = Literal["auto", "side", "stacked"]
MARKS = {"same": " ", "changed": "~", "removed": "-", "added": "+"}
TAB = 4


def shown(text: str) -> str:
    """One line of an answer as it may reach the terminal: tabs expanded, control characters
    and escapes dropped (the one place answer text passes through on its way to the screen)."""
    return display_safe(text.expandtabs(TAB))


class DiffView(ScrollView, can_focus=True):
    """Two answers' line diff, the changed words marked inside changed lines; keys scroll it."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "diff--title",
        "diff--summary",
        "diff--gutter",
        "diff--rule",
        "diff--added",
        "diff--added-word",
        "diff--removed",
        "diff--removed-word",
    }
    DEFAULT_CSS = """
    DiffView { height: 1fr; background: $surface; scrollbar-gutter: stable; overflow-x: hidden; }
    DiffView > .diff--title { text-style: bold; color: $text; background: $panel; }
    DiffView > .diff--summary { color: $text-muted; }
    DiffView > .diff--gutter { color: $text-muted; }
    DiffView > .diff--rule { color: $panel-lighten-2; }
    DiffView > .diff--added { background: $success 14%; }
    DiffView > .diff--added-word { background: $success 45%; text-style: bold; }
    DiffView > .diff--removed { background: $error 14%; }
    DiffView > .diff--removed-word { background: $error 45%; text-style: bold; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next_change", "Next change", id="diff-next-change"),
        Binding("p", "previous_change", "Previous change", id="diff-previous-change"),
        Binding("s", "toggle_layout", "Layout", id="diff-toggle-layout"),
    ]

    def __init__(
        self,
        diff: Diff,
        left_title: str,
        right_title: str,
        *,
        arrangement: Arrangement = "auto",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.diff = diff
        self.titles = (shown(left_title), shown(right_title))
        """What each side is (a pane's label, or its model once names are shown)."""
        self.arrangement: Arrangement = arrangement
        """`auto` picks side by side from SIDE_BY_SIDE columns up; `s` switches by hand."""
        self._strips: list[Strip] = []
        self._changes: list[int] = []
        self._built_for: tuple[int, bool] | None = None

    # -- which layout, and the rows drawn for it ------------------------------------------

    @property
    def side_by_side(self) -> bool:
        if self.arrangement != "auto":
            return self.arrangement == "side"
        return self.scrollable_content_region.width >= SIDE_BY_SIDE

    def show(self, diff: Diff, left_title: str, right_title: str) -> None:
        """Show another diff (the view keeps its layout and goes back to the top)."""
        self.diff, self.titles = diff, (shown(left_title), shown(right_title))
        self._rebuild()
        self.scroll_home(animate=False)

    def _rebuild(self) -> None:
        self._built_for = None
        self._build()
        self.refresh()

    def _build(self) -> None:
        width = self.scrollable_content_region.width
        key = (width, self.side_by_side)
        if width <= 0 or key == self._built_for:
            return
        self._built_for = key
        draw = _SideBySide(self, width) if self.side_by_side else _Stacked(self, width)
        self._strips, self._changes = draw.strips(self.diff, self.titles)
        self.virtual_size = Size(width, len(self._strips))

    def on_resize(self) -> None:
        self._build()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self._built_for is not None:  # the theme changed: draw again in its colours
            self._rebuild()

    def render_line(self, y: int) -> Strip:
        self._build()
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if not 0 <= index < len(self._strips):
            return Strip.blank(width, self.get_visual_style().rich_style)
        return self._strips[index]

    # -- keys --------------------------------------------------------------------------------

    def action_next_change(self) -> None:
        """Scroll the next change below the top line to the top."""
        top = round(self.scroll_y)
        later = [line for line in self._changes if line > top]
        if later:
            self.scroll_to(y=later[0], animate=False)

    def action_previous_change(self) -> None:
        top = round(self.scroll_y)
        earlier = [line for line in self._changes if line < top]
        if earlier:
            self.scroll_to(y=earlier[-1], animate=False)

    def action_toggle_layout(self) -> None:
        self.arrangement = "stacked" if self.side_by_side else "side"
        self._rebuild()


class _Drawing:
    """The strips of one layout at one width."""

    def __init__(self, view: DiffView, width: int) -> None:
        self.width = width
        self.style = view.get_visual_style
        self.base = view.get_visual_style()
        self.numbers = max(2, len(str(max(_last_numbers(view.diff), default=0))))

    def styles(self, kind: str, side: str) -> tuple[Style, Style]:
        """The line's style and its changed words' style, for one side of a row."""
        colour = {"removed": "removed", "added": "added", "changed": side}.get(kind)
        if colour is None:
            return self.base, Style()
        line = self.style(f"diff--{colour}")
        # a line removed or added whole is marked by its background, not as one long change
        return line, self.style(
            f"diff--{colour}-word", partial=True
        ) if kind == "changed" else Style()

    def cell(
        self, line: Line | None, kind: str, side: str, number: int | None, width: int
    ) -> list[Strip]:
        """One side of a row: gutter (number and mark) and the text wrapped to `width`."""
        style, word = self.styles(kind, side)
        if line is None:
            return [Strip.blank(width, self.base.rich_style)]
        mark = MARKS[kind] if kind != "changed" else ("-" if side == "removed" else "+")
        gutter = f"{number or '':>{self.numbers}} {mark} "
        room = max(1, width - len(gutter))
        text = Content.assemble(
            *((shown(p.text), word) if p.changed else shown(p.text) for p in line)
        )
        lines = _wrapped(text, room)
        muted = self.style("diff--gutter", partial=True)
        strips = []
        for index, part in enumerate(lines):
            head = Content.styled(gutter if index == 0 else " " * len(gutter), muted)
            segments = (head + part).render_segments(style)
            strips.append(
                Strip(segments).extend_cell_length(width, style.rich_style).crop(0, width)
            )
        return strips

    def header(self, text: str, width: int, component: str) -> Strip:
        style = self.style(component)
        segments = Content(text).truncate(width, ellipsis=True).render_segments(style)
        return Strip(segments).extend_cell_length(width, style.rich_style)


class _SideBySide(_Drawing):
    def strips(self, diff: Diff, titles: tuple[str, str]) -> tuple[list[Strip], list[int]]:
        column = (self.width - 1) // 2
        right = self.width - 1 - column
        rule = Strip(Content("│").render_segments(self.style("diff--rule")), 1)
        out = [
            Strip.join(
                [
                    self.header(titles[0], column, "diff--title"),
                    rule,
                    self.header(titles[1], right, "diff--title"),
                ]
            ),
            self.header(diff_words(diff), self.width, "diff--summary"),
        ]
        changes: list[int] = []
        for row, starts in _with_change_starts(diff.rows):
            if starts:
                changes.append(len(out))
            ours = self.cell(row.left, row.kind, "removed", row.left_number, column)
            theirs = self.cell(row.right, row.kind, "added", row.right_number, right)
            for index in range(max(len(ours), len(theirs))):
                one = (
                    ours[index] if index < len(ours) else Strip.blank(column, self.base.rich_style)
                )
                two = (
                    theirs[index]
                    if index < len(theirs)
                    else Strip.blank(right, self.base.rich_style)
                )
                out.append(Strip.join([one, rule, two]))
        return out, changes


class _Stacked(_Drawing):
    def strips(self, diff: Diff, titles: tuple[str, str]) -> tuple[list[Strip], list[int]]:
        out = [
            self.header(f"- {titles[0]}", self.width, "diff--title"),
            self.header(f"+ {titles[1]}", self.width, "diff--title"),
            self.header(diff_words(diff), self.width, "diff--summary"),
        ]
        changes: list[int] = []
        for row, starts in _with_change_starts(diff.rows):
            if starts:
                changes.append(len(out))
            out += self._row(row)
        return out, changes

    def _row(self, row: DiffRow) -> list[Strip]:
        if row.kind == "same":
            return self.cell(row.left, "same", "removed", row.left_number, self.width)
        strips = []
        if row.left is not None:
            strips += self.cell(row.left, row.kind, "removed", row.left_number, self.width)
        if row.right is not None:
            strips += self.cell(row.right, row.kind, "added", row.right_number, self.width)
        return strips


def _with_change_starts(rows: Sequence[DiffRow]) -> list[tuple[DiffRow, bool]]:
    """Each row, and whether a change begins there (`n` / `p` jump to those)."""
    kinds = ["same"] + [row.kind for row in rows]
    return [(row, row.kind != "same" and kinds[i] == "same") for i, row in enumerate(rows)]


def _wrapped(text: Content, width: int) -> list[Content]:
    """The line wrapped to `width`, its continuation lines indented as the line is (code stays
    readable when a long line wraps)."""
    plain = text.plain
    if not plain:
        return [Content("")]
    indent = min(len(plain) - len(plain.lstrip(" ")), width // 2)
    body = text[indent:].wrap(width - indent) or [Content("")]
    pad = Content(" " * indent)
    return [text[:indent] + body[0], *(pad + part for part in body[1:])]


def _last_numbers(diff: Diff) -> list[int]:
    return [n for row in diff.rows for n in (row.left_number, row.right_number) if n is not None]
