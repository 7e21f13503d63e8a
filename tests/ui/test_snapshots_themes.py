"""Snapshots of the chat screen in every bundled theme: a finished answer with code and a table.

Each theme must keep text, code blocks, tables and the footer readable; the SVGs are reviewed
by eye (render them with `rsvg-convert`) before they are committed.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.ui.conftest import answered, last_answer, quiet
from tikhub_tui.ui.themes import load_themes

ANSWER = """\
## Sorting

`sorted()` returns a **new** list; `list.sort()` sorts *in place*.

```python
best = sorted(scores, key=scores.get, reverse=True)[:3]  # top three
```

| call | returns |
| --- | --- |
| `sorted(xs)` | a new list |
| `xs.sort()` | `None` |"""

PROMPT = "tps: 0 echo: " + ANSWER
BUNDLED = sorted(theme.name for theme in load_themes([])[0])


async def finished_answer(pilot: Any) -> None:
    """Send the prompt, wait for the answer to finish, and clear the start-up toasts."""
    from tikhub_tui.ui.screens.chat import ChatScreen
    from tikhub_tui.ui.widgets.prompt import PromptArea

    app = pilot.app
    await app.access_ready.wait()
    screen = app.screen
    assert isinstance(screen, ChatScreen)
    while not screen.query(PromptArea):
        await pilot.pause()
    screen.query_one(PromptArea).load_text(PROMPT)
    await pilot.press("enter")
    for _ in range(400):
        await pilot.pause(0.01)
        if answered(screen):
            break
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert last_answer(screen.app).text == ANSWER
    app.clear_notifications()
    await pilot.pause()


@pytest.mark.parametrize("theme", BUNDLED)
def test_chat_in_theme(theme: str, snap_compare: Any) -> None:
    from tikhub_tui.ui.app import TikhubApp

    app = TikhubApp(quiet(theme=theme), demo=True)
    assert snap_compare(app, terminal_size=(120, 40), run_before=finished_answer)
