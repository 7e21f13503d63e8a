"""On a 16-colour terminal (TERM=xterm) every theme keeps placeholders readable: in xterm's
own palette, the colours the terminal gets for their text and background still contrast."""

from __future__ import annotations

import pytest
from rich.color import ColorSystem
from rich.style import Style
from textual.widget import Widget
from textual.widgets import Input

from tests.ui.conftest import SIZE, chat, demo_app, ready
from tikhub_tui.ui.widgets.prompt import PromptArea

pytestmark = pytest.mark.anyio

XTERM = [
    (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205),
    (0, 205, 205), (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0),
    (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
]
"""xterm's 16 colours: what "white on bright white" looks like there."""
LEAST_CONTRAST = 3.0
"""WCAG's least contrast for text that need not be read closely (a hint, a placeholder)."""

THEMES = [
    "tikhub-dark",
    "tikhub-light",
    "tikhub-high-contrast",
    "tikhub-nord",
    "tikhub-solarized",
    "textual-light",
    "textual-dark",
]


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def sixteen(style: Style, widget: Widget) -> float:
    """The contrast of a component style's text on its background in a 16-colour xterm."""
    color = style.color or widget.rich_style.color
    background = style.bgcolor or widget.rich_style.bgcolor
    assert color is not None and background is not None
    shown = [
        XTERM[c.downgrade(ColorSystem.STANDARD).number or 0] for c in (color, background)
    ]
    light, dark = sorted((luminance(rgb) for rgb in shown), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("theme", THEMES)
async def test_placeholders_stay_readable_in_sixteen_colours(
    theme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TERM", "xterm")  # what Rich, and so Textual, take for 16 colours
    app = demo_app(theme=theme)
    assert app.console.color_system == "standard"
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.theme == theme
        prompt = chat(app).query_one(PromptArea)
        contrast = sixteen(prompt.get_component_rich_style("text-area--placeholder"), prompt)
        assert contrast >= LEAST_CONTRAST, f"{theme}: the prompt's placeholder: {contrast:.1f}"
        field = Input(placeholder="x")
        await chat(app).mount(field)
        await pilot.pause()
        contrast = sixteen(field.get_component_rich_style("input--placeholder"), field)
        assert contrast >= LEAST_CONTRAST, f"{theme}: an input's placeholder: {contrast:.1f}"
