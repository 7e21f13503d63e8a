"""A pane the server asks to wait (a 429, or a 5xx with Retry-After) says that it is retrying,
why, when (counting down the Retry-After) and which attempt comes next, in the chat's words;
at a scripted loopback server."""

from __future__ import annotations

import re

import pytest
from textual.widgets import Static

from tests.conftest import FAKE_KEY
from tests.scripted_server import ScriptedServer, anthropic_answer, json_reply
from tests.ui.conftest import chat, last_answer, quiet, send, wait_until
from tests.ui.test_race_screen import race_screen, until_over
from tikhub_tui.core.race.panes import PaneSpec
from tikhub_tui.core.settings import Settings
from tikhub_tui.ui.app import TikhubApp
from tikhub_tui.ui.widgets.prompt import PromptArea
from tikhub_tui.ui.widgets.race_pane import RacePane
from tikhub_tui.ui.widgets.race_tabs import PaneTab

pytestmark = pytest.mark.anyio

WAIT = 6
"""The server's Retry-After: long enough to see the countdown move on a loaded machine."""
SAID = "Number of requests has exceeded your rate limit"
BODY = {"type": "error", "error": {"type": "rate_limit_error", "message": SAID}}


def limited() -> ScriptedServer:
    """The first request is rate limited; every later one is answered."""
    return ScriptedServer(json_reply(429, BODY, **{"retry-after": str(WAIT)}),
                          anthropic_answer("fine"))  # fmt: skip


def figures(pane: RacePane) -> str:
    return str(pane.query_one("#figures", Static).render())


def seconds_left(text: str) -> int | None:
    found = re.search(r"retrying in (\d+) s", text)
    return int(found.group(1)) if found else None


async def test_a_rate_limited_pane_counts_down_to_its_next_attempt(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TIKHUB_API_KEY", FAKE_KEY)
    panes = [PaneSpec("claude-x", "anthropic"), PaneSpec("claude-y", "anthropic")]
    with limited() as server:
        app = TikhubApp(quiet(base_url=server.base_url), race=panes)
        async with app.run_test(size=(80, 24)) as pilot:  # one pane at a time, and the tabs
            screen = await race_screen(pilot)
            screen.query_one(PromptArea).load_text("hi")
            await pilot.press("enter")
            await wait_until(pilot, lambda: any(seconds_left(figures(p)) is not None
                                                for p in screen.streams.panes), "a retry")  # fmt: skip
            pane = next(p for p in screen.streams.panes if "retrying" in figures(p))
            shown = figures(pane)
            assert shown.startswith("↻ retrying") and "queued" not in shown
            assert f"HTTP 429: {SAID}" in shown and "(attempt 2)" in shown
            first = seconds_left(shown)
            assert first is not None and 0 < first <= WAIT
            tab = next(t for t in screen.query(PaneTab) if t.index == pane.index)
            assert "↻" in str(tab.render()) and "retry in" in str(tab.render())
            await wait_until(pilot, lambda: (seconds_left(figures(pane)) or WAIT) < first,
                             "the countdown to move")  # fmt: skip
            await until_over(pilot, screen)
            assert pane.answer is not None and pane.answer.text == "fine"
            assert figures(pane).startswith("✓ done") and "retrying" not in figures(pane)
    assert len(server.seen) == 3  # two panes, one of them twice


async def test_the_chat_says_a_retry_in_the_same_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIKHUB_API_KEY", FAKE_KEY)
    with limited() as server:
        app = TikhubApp(quiet(base_url=server.base_url, provider="anthropic", model="claude-x"))
        async with app.run_test(size=(100, 30)) as pilot:
            await send(pilot, "hi", wait=False)

            def meta() -> str:
                answer = chat(app).chat.last_answer()
                return "" if answer is None else str(answer.query_one("#meta", Static).render())

            await wait_until(pilot, lambda: "retrying" in meta(), "the retry notice")
            assert meta() == f"HTTP 429: {SAID} — retrying in {WAIT} s (attempt 2)"
            await wait_until(pilot, lambda: last_answer(app).text == "fine", "the answer")


async def test_a_retried_pane_takes_no_speed_badge_and_says_it_was_retried(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TIKHUB_API_KEY", FAKE_KEY)
    panes = [PaneSpec("claude-x", "anthropic"), PaneSpec("claude-y", "anthropic")]
    failing = {"type": "error", "error": {"type": "api_error", "message": "Internal error"}}
    with ScriptedServer(json_reply(500, failing), anthropic_answer("fine")) as server:
        settings = Settings(
            cursor_blink=False, base_url=server.base_url, max_retries=0, show_timings=True
        )
        app = TikhubApp(settings, race=panes)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await race_screen(pilot)
            screen.query_one(PromptArea).load_text("hi")
            await pilot.press("enter")
            await wait_until(pilot, lambda: screen.race is not None and bool(screen.race.exchanges),
                             "the round")  # fmt: skip
            await until_over(pilot, screen)
            failed = next(p for p in screen.streams.panes if p.status == "error")
            while screen.current != failed.index:
                await pilot.press("tab")
            await pilot.press("ctrl+r")  # the retry is answered, on a warm connection
            await wait_until(pilot, lambda: failed.status == "done", "the retried answer")
            await until_over(pilot, screen)
            other = next(p for p in screen.streams.panes if p is not failed)

            def badges(pane: RacePane) -> str:
                return str(pane.border_subtitle or "")

            await wait_until(pilot, lambda: "first token" in badges(other), "the badges")
            assert "first done" in badges(other)
            assert not {"first token", "fastest", "first done"} & set(
                badges(failed).removeprefix("★ ").split(" · ")
            ), badges(failed)
            assert "retried" in figures(failed) and "retried" not in figures(other)
