"""Snapshots of the chat screen in every bundled theme: a finished answer with code and a table.

Each theme must keep text, code blocks, tables and the footer readable; the SVGs are reviewed
by eye (render them with `rsvg-convert`) before they are committed.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.ui.conftest import SIZE, last_answer, quiet, ready, send, still
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
    """Send the prompt, wait for the answer to finish, and clear the start-up notices."""
    await ready(pilot)
    await send(pilot, PROMPT)
    await still(pilot)
    assert last_answer(pilot.app).text == ANSWER


@pytest.mark.parametrize("theme", BUNDLED)
def test_chat_in_theme(theme: str, snap_compare: Any) -> None:
    from tikhub_tui.ui.app import TikhubApp

    app = TikhubApp(quiet(theme=theme), demo=True)
    assert snap_compare(app, terminal_size=SIZE, run_before=finished_answer)
