"""A key typed in the prompt is drawn at once, even while the screen's own update is held back
(Textual holds it while Markdown blocks mount, and lays out the transcript before it draws)."""

from __future__ import annotations

import pytest
from rich.console import Console
from textual import events
from textual._compositor import ChopsUpdate, CompositorUpdate

from tests.ui.conftest import SIZE, chat, demo_app, focused_prompt, send, wait_until
from tikhub_tui.ui.app import TikhubApp
from tikhub_tui.ui.widgets.prompt import PromptArea

pytestmark = pytest.mark.anyio


def record_displays(app: TikhubApp, monkeypatch: pytest.MonkeyPatch) -> list[ChopsUpdate]:
    """Every partial update the app hands to the terminal (the test driver draws nothing)."""
    shown: list[ChopsUpdate] = []
    display = app._display

    def recording(screen: object, update: object) -> None:
        if isinstance(update, ChopsUpdate) and not app._batch_count:
            shown.append(update)
        display(screen, update)  # type: ignore[arg-type]

    monkeypatch.setattr(app, "_display", recording)
    return shown


def text_of(update: CompositorUpdate) -> str:
    return update.render_segments(Console(width=SIZE[0], color_system=None))


async def test_a_key_is_drawn_while_the_screen_is_held(monkeypatch: pytest.MonkeyPatch) -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        prompt = await focused_prompt(pilot)
        await pilot.pause()
        shown = record_displays(app, monkeypatch)
        with app.batch_update():  # as while an answer's Markdown blocks mount
            await pilot.press("Z")
            assert shown, "the key waited for the screen"
            rows = {y for update in shown for y, _, _ in update.spans}
            region = prompt.region
            assert rows <= set(range(region.y, region.bottom))  # the prompt's lines only
            assert "Z" in text_of(shown[-1])
            await pilot.press("backspace")
            assert len(shown) == 2 and prompt.text == ""
            await pilot.press("ctrl+j")  # a new line makes the prompt taller: it waits
            assert len(shown) == 2
        assert prompt.text == "\n"


async def test_typing_during_a_stream_draws_only_the_prompt(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "tps: 200 lorem: 2000", wait=False)
        screen = chat(app)
        await wait_until(pilot, lambda: screen.streaming, "the stream to start")
        prompt = screen.query_one(PromptArea)
        shown = record_displays(app, monkeypatch)
        for key in "abc":
            before = len(shown)
            screen.transcript.refresh(layout=True)  # the next screen update lays out first
            await prompt._on_key(_key(key))
            assert len(shown) == before + 1, "the key was not drawn at once"
            rows = {y for y, _, _ in shown[-1].spans}
            assert rows <= set(range(prompt.region.y, prompt.region.bottom))
        assert prompt.text == "abc"
        screen.controller.cancel()


def _key(character: str) -> events.Key:
    return events.Key(character, character)
