"""Which gateway and key the app uses: looked up off the UI thread, told by a message, and a
lookup that breaks is said (never dropped with Enter waiting for a key that is not coming)."""

from __future__ import annotations

import pytest

from tests.conftest import FAKE_KEY
from tests.ui.conftest import SIZE, Notices, chat, last_answer, quiet, send
from tikhub_tui.core import secrets
from tikhub_tui.ui.app import TikhubApp

pytestmark = pytest.mark.anyio


async def test_a_key_in_the_environment_is_used_and_shown(
    monkeypatch: pytest.MonkeyPatch, gateway_url: str
) -> None:
    monkeypatch.setenv("TIKHUB_API_KEY", FAKE_KEY)
    app = TikhubApp(quiet(), base_url=gateway_url)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "echo: through the real path")
        assert app.access is not None and not app.access.demo
        status = str(chat(app).query_one("#status").render())
        assert "key from environment" in status and FAKE_KEY not in status
        assert last_answer(app).text == "through the real path"


async def test_a_lookup_that_breaks_is_said_and_the_demo_answers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken() -> None:
        raise RuntimeError("the keyring module fell over")

    monkeypatch.setattr(secrets, "resolve_key", broken)
    notices = Notices()
    app = TikhubApp(quiet())
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        await send(pilot, "echo: still answered")  # waits for access: it must come
        assert app.access is not None and app.access.demo
        [said] = notices.about("could not be looked up")
        assert "RuntimeError: the keyring module fell over" in said
        assert last_answer(app).text == "still answered"
