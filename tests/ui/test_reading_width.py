"""On a wide terminal the transcript's text keeps to the reading width, centred or on the
left; narrower terminals use their whole width."""

from __future__ import annotations

import pytest

from tests.ui.conftest import chat, demo_app, last_answer, send
from tikhub_tui.core.settings import SettingsError, from_dict
from tikhub_tui.ui.widgets.transcript import UserMessage

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("settings", "width", "expected_left"),
    [
        ({}, 250, None),  # centred: the default
        ({"reading_align": "left"}, 250, 0),
        ({"reading_width": 0}, 250, 0),
        ({}, 80, 0),
    ],
)
async def test_the_text_keeps_to_the_reading_width(
    settings: dict[str, object], width: int, expected_left: int | None
) -> None:
    app = demo_app(**settings)
    async with app.run_test(size=(width, 30)) as pilot:
        await send(pilot, "lorem: 120")
        await pilot.pause()
        screen = chat(app)
        transcript = screen.transcript
        answer = last_answer(app)
        prompt = screen.query_one(UserMessage)
        cap = app.settings.reading_width or width
        left = answer.region.x - transcript.region.x
        assert answer.region.width <= cap
        assert prompt.region.right - transcript.region.x <= transcript.region.width
        if expected_left is None:  # centred in what the transcript has
            spare = transcript.region.width - transcript.scrollbar_size_vertical - cap
            assert abs(left - spare // 2) <= 1
            assert answer.region.width >= cap - 2
        else:
            assert left == expected_left
            if not app.settings.reading_width or width < cap:
                assert answer.region.width >= transcript.region.width - 4


def test_reading_settings_are_checked() -> None:
    from pathlib import Path

    path = Path("config.toml")
    assert from_dict({"reading_width": 80, "reading_align": "left"}, path)[0].reading_width == 80
    with pytest.raises(SettingsError, match="reading_align"):
        from_dict({"reading_align": "right"}, path)
    with pytest.raises(SettingsError, match="reading_width"):
        from_dict({"reading_width": -1}, path)


async def test_the_column_is_steady_and_follows_a_resize() -> None:
    app = demo_app()
    async with app.run_test(size=(250, 30)) as pilot:
        await send(pilot, "echo: hello")
        transcript = chat(app).transcript
        padding = transcript.styles.padding
        for _ in range(3):  # laid out again, nothing moves
            await pilot.pause()
            assert transcript.styles.padding == padding
        assert padding.left > 0 and padding.left + padding.right > 100
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        await pilot.pause()
        assert transcript.styles.padding.left == 0
