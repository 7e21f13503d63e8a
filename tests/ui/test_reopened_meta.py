"""A reopened answer reads as it did live: one formatter from the same stored facts."""

from __future__ import annotations

import pytest

from tests.ui.conftest import SIZE, last_answer, ready, send
from tikhub_tui.core.settings import Settings
from tikhub_tui.ui.app import TikhubApp

pytestmark = pytest.mark.anyio


def timed_app(**settings: object) -> TikhubApp:
    """The demo app with its clock readings on (tokens per second, first token, duration)."""
    return TikhubApp(Settings(cursor_blink=False, **settings), demo=True)  # type: ignore[arg-type]


def seen(app: TikhubApp) -> tuple[str, str, str]:
    """The last answer's metrics line, error box (with its hint) and state, as shown."""
    answer = last_answer(app)
    error = answer.query_one("#error")
    shown = str(error.render()) if error.display else ""
    return str(answer.query_one("#meta").render()), shown, answer.state


@pytest.mark.parametrize(
    ("prompt", "settings"),
    [
        ("lorem: 40", {}),
        ("drop-after: 12", {}),
        ("fail-after: 12", {}),
        ("error: 500", {}),
        ("lorem: 200", {"max_tokens": 20}),
        ("think: 30 lorem: 40", {"model": "claude-sonnet-4-5", "provider": "anthropic"}),
    ],
)
async def test_a_reopened_answer_shows_the_live_metrics_line_and_hint(
    prompt: str, settings: dict[str, object]
) -> None:
    app = timed_app(**settings)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, prompt)
        live = seen(app)
    again = timed_app(**settings)
    async with again.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.pause()
        assert seen(again) == live
    assert "tok/s" in live[0] or prompt.startswith("error")
