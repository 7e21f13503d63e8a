"""The answer's Markdown while it streams: lists grow in place (without mounting the earlier
items again), a block cut by a render goes on where it was, and the screen is the same as
Textual's own Markdown rendering the whole text at once."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Markdown

from tikhub_tui.ui.widgets.markdown import AnswerMarkdown

DOCUMENT = """Some lists:

- one
- two with **bold**
  - nested a
  - nested b
- three

1. first
2. second
3. third
4. fourth
5. fifth
6. sixth
7. seventh
8. eighth
9. ninth
10. tenth
11. eleventh

Between the lists.

3. starts at three
4. and goes on

- a last list
- that ends the text
"""


class Side(App[None]):
    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield AnswerMarkdown(id="streamed")
            yield Markdown(id="whole")


def shape(widget: Widget) -> list[tuple[str, str, int, int]]:
    """Each descendant: its Textual type, its bullet or text, and its size."""
    rows = []
    for child in widget.walk_children(Widget):
        kind = child._css_type_name.replace("Growing", "Markdown")
        text = str(getattr(child, "symbol", "") or getattr(child, "_content", ""))
        rows.append((kind, text, child.size.width, child.size.height))
    return rows


@pytest.mark.anyio
@pytest.mark.parametrize("chunk", [3, 17, 60])
async def test_streamed_lists_look_like_the_whole_text_rendered(chunk: int) -> None:
    app = Side()
    async with app.run_test(size=(100, 200)) as pilot:
        streamed = app.query_one("#streamed", AnswerMarkdown)
        for start in range(0, len(DOCUMENT), chunk):
            await streamed.append(DOCUMENT[start : start + chunk])
            await pilot.pause()
        await app.query_one("#whole", Markdown).update(DOCUMENT)
        await pilot.pause()
        whole = shape(app.query_one("#whole", Markdown))
        assert any(text == "  1. " for _, text, _, _ in whole)  # widened for "10. "
        assert shape(streamed) == whole


@pytest.mark.anyio
async def test_a_growing_list_keeps_its_earlier_items() -> None:
    app = Side()
    async with app.run_test(size=(100, 60)) as pilot:
        streamed = app.query_one("#streamed", AnswerMarkdown)
        await streamed.append("- one\n- two\n- thr")
        await pilot.pause()
        first, second, last = streamed.query(Horizontal).results()
        await streamed.append("ee\n- four\n")
        await pilot.pause()
        rows = list(streamed.query(Horizontal).results())
        assert rows[:2] == [first, second]  # the same widgets, not mounted again
        assert last not in rows and len(rows) == 4
        assert str(rows[-1].query_one(Markdown.BLOCKS["paragraph_open"])._content) == "four"


@pytest.mark.anyio
@pytest.mark.parametrize("cut", [12, 20, 32, 60])
async def test_text_appended_after_a_render_continues_the_last_block(cut: int) -> None:
    text = 'Intro.\n\n```python\ndef f(x):\n    """Doc."""\n    return x\n```\n\nEND\n'
    app = Side()
    async with app.run_test(size=(100, 60)) as pilot:
        streamed = app.query_one("#streamed", AnswerMarkdown)
        await streamed.update(text[:cut])  # a segment rendered while its fence was open
        await streamed.append(text[cut:])
        await app.query_one("#whole", Markdown).update(text)
        await pilot.pause()
        whole = shape(app.query_one("#whole", Markdown))
        assert [kind for kind, *_ in whole].count("MarkdownFence") == 1
        assert shape(streamed) == whole
