"""Snapshots of the chat app: first run, an error in the transcript, the help screen, a streamed
answer with a code fence, a list and a table, reasoning opened, and 80x24 (sidebar hidden).

The SVGs under __snapshots__ are reviewed by eye (`rsvg-convert` renders them) before commits.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Collapsible

from tests.ui.conftest import NARROW, SIZE, demo_app, last_answer, quiet, ready, send, still
from tikhub_tui.ui.app import TikhubApp

RICH_ANSWER = """\
Three ways to sort:

1. `sorted(xs)` returns a **new** list
2. `xs.sort()` sorts *in place*
3. `heapq.nsmallest(3, xs)` when only a few are wanted

```python
best = sorted(scores, key=scores.get, reverse=True)[:3]
```

| call | returns | stable |
| --- | --- | --- |
| `sorted(xs)` | a new list | yes |
| `xs.sort()` | `None` | yes |"""


async def answered(pilot: Any, prompt: str) -> None:
    """Send `prompt`, wait for its answer to end and for everything to settle."""
    await ready(pilot)
    await send(pilot, prompt)
    await still(pilot)


def test_first_run_without_a_key_is_demo_mode_and_says_how_to_add_one(snap_compare: Any) -> None:
    """No key anywhere: the app opens on the embedded gateway and says how to add a key."""
    app = TikhubApp(quiet())

    async def run_before(pilot: Any) -> None:
        await ready(pilot)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_an_error_shows_in_the_transcript(snap_compare: Any) -> None:
    app = demo_app(max_retries=0)

    async def run_before(pilot: Any) -> None:
        await answered(pilot, "error: 401")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_help_screen_lists_every_binding(snap_compare: Any) -> None:
    app = demo_app()

    async def run_before(pilot: Any) -> None:
        await ready(pilot)
        await still(pilot)
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_a_streamed_answer_with_a_list_a_code_fence_and_a_table(snap_compare: Any) -> None:
    app = demo_app()

    async def run_before(pilot: Any) -> None:
        await answered(pilot, "tps: 0 echo: " + RICH_ANSWER)
        assert last_answer(pilot.app).text == RICH_ANSWER

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_reasoning_opened_above_its_answer(snap_compare: Any) -> None:
    app = demo_app()

    async def run_before(pilot: Any) -> None:
        await answered(pilot, "think: 40 echo: The answer comes after the thinking.")
        section = last_answer(pilot.app).query_one("#reasoning", Collapsible)
        section.collapsed = False
        await still(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_80x24_hides_the_sidebar(snap_compare: Any) -> None:
    app = demo_app()

    async def run_before(pilot: Any) -> None:
        await answered(pilot, "tps: 0 echo: " + RICH_ANSWER)

    assert snap_compare(app, terminal_size=NARROW, run_before=run_before)
