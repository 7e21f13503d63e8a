"""Segments render to the same text as one Markdown render of the whole answer, wherever the
cuts fall: blank lines inside a long code fence and between paragraphs survive every cut."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Markdown
from textual.widgets._markdown import MarkdownFence

from tests.ui.test_splitter import segments_of
from tikhub_tui.ui.widgets.markdown import AnswerMarkdown

CODE = [
    "def first(x: int) -> int:",
    "    return x",
    "",
    "def second(y: int) -> int:",
    "    z = y * 2",
    "",
    "",
    "    return z",
    "    ",
    "class Third:",
    "    pass",
    "",
    "# a comment after a blank line",
    "value = first(1)",
    "",
]
PROSE = "".join(f"Paragraph {n} says something.\n" + "\n" * (1 + n % 3) for n in range(9))
FENCE = "```python\n" + "\n".join(CODE * 2) + "\n```\n"
FENCE_LINES = len(CODE) * 2


class Pages(App[None]):
    def compose(self) -> ComposeResult:
        yield VerticalScroll(id="pages")


def shown(markdown: Widget) -> list[tuple[str, str]]:
    """What a Markdown widget shows, block by block: (widget type, its text)."""
    rows = []
    for child in markdown.walk_children(Widget):
        if isinstance(child, MarkdownFence):
            rows.append(("fence", child.code))
        elif text := str(getattr(child, "symbol", "") or getattr(child, "_content", "")):
            rows.append((child._css_type_name.replace("Growing", "Markdown"), text))
    return rows


def joined(parts: list[list[tuple[str, str]]], cut_in_fence: list[bool]) -> list[tuple[str, str]]:
    """The blocks of every segment in order; a fence cut across segments joined into one."""
    result: list[tuple[str, str]] = []
    joining = False
    for rows, cut in zip(parts, cut_in_fence, strict=True):
        if joining and rows and rows[0][0] == "fence" and result and result[-1][0] == "fence":
            result[-1] = ("fence", result[-1][1] + "\n" + rows[0][1])
            rows = rows[1:]
        result.extend(rows)
        joining = cut
    return result


async def render(
    app: Pages, sources: list[str], kind: type[Markdown] = AnswerMarkdown
) -> list[list[tuple[str, str]]]:
    """Mount one Markdown widget per source (the answer's own, by default) and read them."""
    pages = app.query_one("#pages")
    await pages.remove_children()
    widgets = [kind() for _ in sources]
    await pages.mount_all(widgets)
    for widget, source in zip(widgets, sources, strict=True):
        await widget.update(source)
    return [shown(widget) for widget in widgets]


@pytest.mark.anyio
async def test_every_cut_renders_the_same_text_as_one_markdown() -> None:
    document = (
        PROSE + FENCE + PROSE + "- a list\n- of two\n\n```\n" + "\n".join(CODE) + "\n```\nEND\n"
    )
    # a cut after every blank line of the prose, then after every line of the fences
    cuts: list[dict[str, Any]] = [{"segment_chars": 1, "fence_lines": 10_000}]
    cuts += [{"segment_chars": 10_000, "fence_lines": n} for n in range(1, FENCE_LINES)]
    app = Pages()
    async with app.run_test(size=(100, 50)):
        (whole,) = await render(app, [document], Markdown)
        failures = []
        for cut in cuts:
            parts = segments_of(document, **cut)
            assert len(parts) > (20 if cut["segment_chars"] == 1 else 1)
            rendered = await render(app, [source for source, _ in parts])
            if joined(rendered, [in_fence for _, in_fence in parts]) != whole:
                failures.append(cut)
        assert failures == []
