"""With no keyring on the machine, the long explanation shows on the first start only; later
starts say it in a few words on the status line."""

from __future__ import annotations

import pytest
from textual.widgets import Label

from tests.ui.conftest import Notices, chat, quiet, ready
from tikhub_tui.core.seen import first_time
from tikhub_tui.ui.app import TikhubApp
from tikhub_tui.ui.app_access import sentence

pytestmark = pytest.mark.anyio


async def start(notices: Notices) -> str:
    """Start the app without a key, as a user would; the status line once it runs."""
    app = TikhubApp(quiet())
    async with app.run_test(size=(80, 24), message_hook=notices) as pilot:
        await ready(pilot)
        status = str(chat(app).query_one("#status", Label).render())
        await app.action_quit()
    return status


async def test_the_no_keyring_notice_shows_once_then_the_status_line_says_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    first = Notices()
    status = await start(first)
    (notice,) = first.about("keyring")
    assert "TIKHUB_API_KEY" in notice
    assert "mode 0600). Running on the local demo gateway meanwhile." in notice
    assert "DEMO: no keyring, F2 adds a key" in status
    again = Notices()
    status = await start(again)
    assert again.about("keyring") == [] and again.about("DEMO") == []
    assert "DEMO: no keyring, F2 adds a key" in status


async def test_no_key_yet_is_said_once_too() -> None:
    first, again = Notices(), Notices()
    await start(first)
    assert first.about("No API key yet")
    status = await start(again)
    assert not again.about("No API key yet")
    assert "DEMO: no API key, F2 adds one" in status


def test_first_time_is_true_once_per_name() -> None:
    assert first_time("a") and first_time("b")
    assert not first_time("a") and not first_time("b")


def test_a_sentence_ends_with_one_stop() -> None:
    assert sentence("no keyring (mode 0600)") == "no keyring (mode 0600)."
    assert sentence("done. ") == "done."
    assert sentence("") == ""
