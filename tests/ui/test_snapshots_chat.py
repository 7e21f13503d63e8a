"""Snapshots of the chat app at 120x40: first run, an error in the transcript, the help screen.

The SVGs under __snapshots__ are reviewed by eye (`rsvg-convert` renders them) before commits.
"""

from __future__ import annotations

from typing import Any

from tests.ui.conftest import SIZE, quiet
from tikhub_tui.ui.app import TikhubApp


async def _settle(pilot: Any) -> None:
    app = pilot.app
    await app.access_ready.wait()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def _send_and_wait(pilot: Any, text: str) -> None:
    from tests.ui.conftest import send

    await _settle(pilot)
    await send(pilot, text)
    await app_settled(pilot)


async def app_settled(pilot: Any) -> None:
    await pilot.app.workers.wait_for_complete()
    pilot.app.clear_notifications()
    await pilot.pause()


def test_first_run_without_a_key_is_demo_mode_and_says_how_to_add_one(snap_compare: Any) -> None:
    """No key anywhere: the app opens on the embedded gateway and says how to add a key."""
    app = TikhubApp(quiet())
    assert snap_compare(app, terminal_size=SIZE, run_before=_settle)


def test_an_error_shows_in_the_transcript(snap_compare: Any) -> None:
    app = TikhubApp(quiet(max_retries=0), demo=True)

    async def run_before(pilot: Any) -> None:
        await _send_and_wait(pilot, "error: 401")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_help_screen_lists_every_binding(snap_compare: Any) -> None:
    app = TikhubApp(quiet(), demo=True)

    async def run_before(pilot: Any) -> None:
        await _settle(pilot)
        pilot.app.clear_notifications()
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
