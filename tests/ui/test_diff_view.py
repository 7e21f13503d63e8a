"""The diff view: two known answers side by side at 120x40 and stacked at 80x24 (snapshots),
keys that jump between changes and switch the layout, and answer text that cannot drive the
terminal."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Footer

from tikhub_tui.core.judging.diff import diff_answers
from tikhub_tui.ui.themes import load_themes
from tikhub_tui.ui.widgets.diff import DiffView

pytestmark = pytest.mark.anyio

LEFT = """\
Use `sorted()` when you need a new list:

```python
def top_three(scores):
    ranked = sorted(scores, key=scores.get)
    return ranked[:3]
```

It runs in O(n log n)."""
RIGHT = """\
Use `sorted()` with `reverse=True` when you need a new list:

```python
def top_three(scores: dict[str, int]) -> list[str]:
    ranked = sorted(scores, key=scores.get, reverse=True)
    return ranked[:3]
```

It runs in O(n log n) time and leaves `scores` unchanged.
Ties keep their original order (the sort is stable)."""


class DiffHost(App[None]):
    """The diff view filling the screen, in the app's default theme, with the footer."""

    def __init__(self, left: str = LEFT, right: str = RIGHT) -> None:
        super().__init__()
        for theme in load_themes([])[0]:
            self.register_theme(theme)
        self.theme = "tikhub-dark"
        self.diff = diff_answers(left, right)

    def compose(self) -> ComposeResult:
        yield DiffView(self.diff, "A · claude-opus-4-6", "B · gpt-5")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DiffView).focus()


def test_side_by_side_at_120x40(snap_compare: Any) -> None:
    assert snap_compare(DiffHost(), terminal_size=(120, 40))


def test_stacked_at_80x24(snap_compare: Any) -> None:
    assert snap_compare(DiffHost(), terminal_size=(80, 24))


def text_of(view: DiffView) -> list[str]:
    return [strip.text for strip in view._strips]


async def test_the_layout_follows_the_width_and_s_switches_it() -> None:
    app = DiffHost()
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.query_one(DiffView)
        assert view.side_by_side
        assert "│" in text_of(view)[0] and "A · claude-opus-4-6" in text_of(view)[0]
        await pilot.press("s")
        assert not view.side_by_side
        assert text_of(view)[0].startswith("- A · claude-opus-4-6")
        assert text_of(view)[1].startswith("+ B · gpt-5")
        await pilot.press("s")
        assert view.side_by_side
    async with DiffHost().run_test(size=(80, 24)) as pilot:
        assert not pilot.app.query_one(DiffView).side_by_side


async def test_n_and_p_jump_between_changes() -> None:
    same = "\n".join(f"line {n}" for n in range(60))
    left = same + "\nold ending\n" + same
    right = same + "\nnew ending\n" + same + "\nadded at the end"
    app = DiffHost(left, right)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(DiffView)
        await pilot.press("n")
        first = round(view.scroll_y)
        assert "old ending" in text_of(view)[first]
        await pilot.press("n")
        second = round(view.scroll_y)
        assert second > first
        await pilot.press("p")
        assert round(view.scroll_y) == first
        await pilot.press("home")
        assert view.scroll_y == 0
        await pilot.press("pagedown")
        assert view.scroll_y > 0


async def test_answer_text_cannot_drive_the_terminal() -> None:
    app = DiffHost("safe\n\x1b]52;c;aGk=\x07 clipboard\x1b[2J", "safe\ttabbed\n\x1b[31mred")
    async with app.run_test(size=(120, 40)):
        lines = text_of(app.query_one(DiffView))
        assert not any("\x1b" in line or "\x07" in line for line in lines)
        assert any("safe    tabbed" in line for line in lines)


async def test_a_theme_change_redraws_in_its_colours() -> None:
    app = DiffHost()
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.query_one(DiffView)
        before = view._strips[3]
        app.theme = "tikhub-light"
        await pilot.pause()
        assert view._strips[3].text == before.text
        assert view._strips[3] is not before
        assert list(view._strips[3]) != list(before)
