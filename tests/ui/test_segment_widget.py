"""An answer segment on its own: blank while it has no Markdown, and removable at any moment."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.await_complete import AwaitComplete
from textual.containers import Vertical
from textual.widget import MountError

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
