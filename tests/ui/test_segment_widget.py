"""An answer segment on its own: blank while it has no Markdown, and removable at any moment."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.await_complete import AwaitComplete
from textual.containers import Vertical
from textual.widget import MountError

from tests.ui.conftest import wait_until
from tikhub_tui.gateway import answer_text
from tikhub_tui.ui.widgets.markdown import AnswerMarkdown
from tikhub_tui.ui.widgets.segment import Segment

pytestmark = pytest.mark.anyio


class Host(App[None]):
    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source

    def compose(self) -> ComposeResult:
        with Vertical():  # as in an answer
            yield Segment(self.source)


def screen_text(app: App[None]) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_a_segment_without_markdown_shows_nothing_not_its_name() -> None:
    app = Host("some text not rendered yet")
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        segment = app.query_one(Segment)
        assert not segment.is_rendered and segment.size.height >= 1
        assert screen_text(app).strip() == ""


async def test_a_markdown_removed_under_its_fill_is_not_a_crash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What clearing the transcript (a new session) while a segment renders can do: Textual
    refuses to mount blocks into a Markdown that was taken out of the screen meanwhile."""

    update = AnswerMarkdown.update

    def refused(self: AnswerMarkdown, markdown: str) -> AwaitComplete:
        if not markdown:  # the empty document it starts with, as it mounts
            return update(self, markdown)

        async def fail() -> None:
            raise MountError(f"Can't mount widget(s) before {self!r} is mounted")

        return AwaitComplete(fail())

    monkeypatch.setattr(AnswerMarkdown, "update", refused)
    app = Host(answer_text("lorem: 300"))
    async with app.run_test(size=(60, 10)) as pilot:
        app.query_one(Segment).render_markdown()
        await pilot.pause(0.2)
    assert app.return_code in (None, 0)


class CutHost(App[None]):
    """A code fence cut over two segments, as the splitter cuts a long one."""

    def compose(self) -> ComposeResult:
        with Vertical():
            first = Segment("Intro.\n\n```python\nline_one = 1\nline_two = 2\n")
            first.seal(fence_cut_after=True)
            yield first
            second = Segment("line_three = 3\n```\n\nAfter.\n", fence_cut_before=True)
            second.seal()
            yield second


async def test_a_fence_cut_over_two_segments_reads_as_one_block() -> None:
    app = CutHost()
    async with app.run_test(size=(60, 20)) as pilot:
        segments = list(app.query(Segment))
        for segment in segments:
            segment.render_markdown()

        await wait_until(
            pilot,
            lambda: bool(app.query(".-cut-after")) and bool(app.query(".-cut-before")),
            "both halves of the fence marked",
        )
        await pilot.pause()
        lines = [line.strip() for line in screen_text(app).splitlines()]
        two = next(i for i, line in enumerate(lines) if "line_two" in line)
        assert "line_three" in lines[two + 1]  # no margin, no padding between the halves
        # no rule picks blocks by their order: mounting one block restyles only itself
        assert not any(block._has_order_style for block in app.query("MarkdownBlock"))
