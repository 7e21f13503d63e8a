"""The app and `ask` give the same wait after a 429: one phrase, from the server's Retry-After."""

from __future__ import annotations

import pytest

from tikhub_tui.core.errors import for_status, wait_advice
from tikhub_tui.ui.format import error_hint


@pytest.mark.parametrize(("retry_after", "words"), [(20.0, "wait 20 s (the server's Retry-After)"), (None, "wait a minute")])
def test_the_app_and_ask_say_the_same_wait(retry_after: float | None, words: str) -> None:
    error = for_status(429, "slow down", "http://x", retry_after=retry_after)
    assert wait_advice(retry_after) == words
    assert error.hint.startswith(words)  # what ask prints
    assert error_hint(error).startswith(words) and "Ctrl+R" in error_hint(error)  # the app
