"""Regenerate the README's screenshots (SVG) from the app itself: `make screenshots`.

Each picture is the real app at 120x40 on its embedded demo gateway, driven by Textual's Pilot,
so the README shows what a user sees and is redrawn in seconds when the app changes. Everything
runs in a temporary config and data directory with an in-memory keyring, so nothing of the
user's is read or written, and timings and cursor blink are off (the `show_timings` and
`cursor_blink` settings), so the pictures are the same on every machine.

The prompts read as a person would type them: the demo gateway is told which of its directives
each one stands for (REPLIES), so the answers are scripted Markdown that still streams through
the gateway's wire and the app's streaming path like any other answer.

    python scripts/screenshots.py [--out screenshots] [--only chat,help]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' keyring

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from tikhub_tui.gateway.directives import Directives
    from tikhub_tui.gateway.plan import Plan
    from tikhub_tui.gateway.wire import Parsed
    from tikhub_tui.ui.app import TikhubApp
    from tikhub_tui.ui.screens.chat import ChatScreen

SIZE = (120, 40)
ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 20.0
"""Seconds any one step (an answer, a search, a screen) may take before the script gives up."""


class ShotFailed(Exception):
    """A screen did not reach the state to photograph; the message says which and why."""


@dataclass(frozen=True)
class Reply:
    """What the demo gateway does with one prompt: its directives, and the reasoning to stream
    before the answer (in place of the placeholder prose of the gateway's `think:`)."""

    directives: str
    reasoning: str = ""


STABLE = """\
Yes. Both `sorted()` and `list.sort()` use Timsort, which is **stable**: items that compare \
equal keep their original order. That is what makes multi-pass sorts work: sort by the \
secondary key first, then by the primary key."""

SORTED_VS_SORT = """\
## `sorted()` or `list.sort()`?

Both run the same stable Timsort; they differ in what they take and give back:

- `sorted(iterable)` takes *any* iterable and returns a **new** list
- `xs.sort()` exists only on lists, sorts **in place** and returns `None`
- both take `key=` and `reverse=`

```python
scores = {"ada": 92, "bob": 78, "cy": 92}
ranking = sorted(scores, key=scores.get, reverse=True)  # ['ada', 'cy', 'bob']
ranking.sort()  # in place, returns None: ranking is now ['ada', 'bob', 'cy']
```

| | `sorted(xs)` | `xs.sort()` |
| --- | --- | --- |
| works on | any iterable | lists only |
| returns | a new list | `None` (no copy made) |

Sort in place when you own the list; use `sorted()` for everything else."""

ROUND_TABLE = """\
**(8 − 1)! = 7! = 5,040 ways.**

- Fix one person's chair: that removes the 8 rotations of every seating
- The other 7 people fill the remaining chairs in 7! = 5,040 orders
- Mirror images stay different (everyone's neighbours swap sides); if they counted as the \
same, it would be 2,520

In general, *n* people can sit around a round table in (*n* − 1)! ways."""

ROUND_TABLE_THINKING = """\
At a round table, seatings that differ only by a rotation are the same arrangement, because \
nobody sits at the "head". There are 8! = 40,320 ways to fill 8 numbered chairs, and every \
arrangement appears 8 times as a rotation, so 40,320 / 8 = 5,040. Same as fixing one person \
and ordering the other 7: 7! = 5,040. Should reflections count as the same? Left and right \
neighbours swap in a mirror image, so for people at a table they are different seatings: \
no further division by 2."""

RETRY_AFTER = """\
`Retry-After` tells a client how long to wait before it tries again: either a number of \
seconds or an HTTP date. Servers send it with **429 Too Many Requests** and **503 Service \
Unavailable**, and a well-behaved client waits at least that long before retrying."""

DICT_BY_VALUE = """\
Sort its items by the value, then build a dict again:

```python
by_value = dict(sorted(d.items(), key=lambda kv: kv[1]))
```

Dicts keep insertion order, so the new one iterates in sorted order. Add `reverse=True` for \
the largest first."""

CSV_SORT = """\
`sort -t, -k2,2 data.csv`: `-t,` splits fields on commas and `-k2,2` sorts on the second \
field only. Add `-n` for numbers, and keep the header on top with \
`(head -n 1 data.csv; tail -n +2 data.csv | sort -t, -k2,2)`."""

SSE = """\
**Server-Sent Events** stream text from server to browser over one long HTTP response \
(`Content-Type: text/event-stream`): each event is a few `data:` lines and a blank line. \
`EventSource` reconnects by itself and resends `Last-Event-ID`."""

TUPLES = """\
A **list** is mutable and meant for items of one kind; a **tuple** is immutable, hashable \
(when its items are) and meant for a fixed record, such as `(x, y)`."""

FAST = "tps: 0 "
REPLIES: dict[str, Reply] = {
    "Is Python's sort stable?": Reply(FAST + "echo: " + STABLE),
    "When should I use sorted() instead of list.sort()?": Reply(FAST + "echo: " + SORTED_VS_SORT),
    "How many ways can 8 people sit around a round table?": Reply(
        FAST + "echo: " + ROUND_TABLE, ROUND_TABLE_THINKING
    ),
    "What does the Retry-After header mean?": Reply(FAST + "drop-after: 24 echo: " + RETRY_AFTER),
    "Please finish that answer.": Reply("error: 429"),
    "How do I sort a dict by its values?": Reply(FAST + "echo: " + DICT_BY_VALUE),
    "How do I sort a CSV by its second column in the shell?": Reply(FAST + "echo: " + CSV_SORT),
    "What are Server-Sent Events?": Reply(FAST + "echo: " + SSE),
    "List or tuple?": Reply(FAST + "echo: " + TUPLES),
}


def script_gateway() -> None:
    """Make the in-process demo gateway answer the prompts of REPLIES as scripted."""
    from tikhub_tui.gateway import routes
    from tikhub_tui.gateway.content import split_deltas
    from tikhub_tui.gateway.directives import parse
    from tikhub_tui.gateway.plan import make_plan as plan

    def scripted_parse(prompt: str) -> Directives:
        reply = REPLIES.get(prompt.strip())
        return parse(reply.directives if reply else prompt)

    def scripted_plan(parsed: Parsed, directives: Directives, default_tps: float) -> Plan:
        made = plan(parsed, directives, default_tps)
        reply = REPLIES.get(parsed.prompt.strip())
        if reply is None or not reply.reasoning:
            return made
        thinking = [(True, text) for text in split_deltas(reply.reasoning)]
        answer = [token for token in made.tokens if not token[0]]
        return dataclasses.replace(made, tokens=thinking + answer)

    # routes looks both up by these names on each request
    if not all(hasattr(routes, name) for name in ("parse_directives", "make_plan")):
        raise ShotFailed("tikhub_tui.gateway.routes changed: update script_gateway()")
    setattr(routes, "parse_directives", scripted_parse)  # noqa: B010
    setattr(routes, "make_plan", scripted_plan)  # noqa: B010


# -- driving the app ---------------------------------------------------------------------------


async def until(pilot: Pilot[None], done: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not done():
        if time.monotonic() > deadline:
            raise ShotFailed(f"{what} did not happen within {TIMEOUT:g} s")
        await pilot.pause(0.02)


def chat(app: TikhubApp) -> ChatScreen:
    from tikhub_tui.ui.screens.chat import ChatScreen

    screen = app.screen
    if not isinstance(screen, ChatScreen):
        raise ShotFailed(f"the chat screen is not showing ({type(screen).__name__} is)")
    return screen


async def ready(pilot: Pilot[None], app: TikhubApp) -> None:
    """Wait for the demo gateway access and the start-up workers."""
    try:
        await asyncio.wait_for(app.access_ready.wait(), TIMEOUT)
    except TimeoutError:
        raise ShotFailed("the demo gateway did not start") from None
    await app.workers.wait_for_complete()
    await pilot.pause()


async def send(pilot: Pilot[None], app: TikhubApp, text: str) -> None:
    """Type a prompt, press Enter and wait until its answer has ended and been drawn."""
    from tikhub_tui.ui.widgets.prompt import PromptArea

    if text not in REPLIES:
        raise ShotFailed(f"no scripted reply for the prompt {text!r}")
    await ready(pilot, app)
    screen = chat(app)
    before = screen.chat.last_answer()
    prompt = screen.query_one(PromptArea)
    prompt.focus()
    prompt.load_text(text)
    await pilot.press("enter")
    await until(
        pilot,
        lambda: screen.chat.last_answer() not in (None, before) and not screen.streaming,
        f"the answer to {text!r}",
    )
    await app.workers.wait_for_complete()
    await pilot.pause(0.05)
    directives = REPLIES[text].directives
    if "error:" not in directives and "drop-after:" not in directives:
        from tikhub_tui.gateway.directives import answer_text

        answer = screen.chat.last_answer()
        if answer is None or answer.text != answer_text(directives):
            raise ShotFailed(f"the answer to {text!r} is not the scripted one")


async def shoot(pilot: Pilot[None], app: TikhubApp, path: Path) -> None:
    """Save the screen once two exports a moment apart agree (nothing half drawn)."""
    app.clear_notifications()
    await app.workers.wait_for_complete()
    await pilot.pause(0.1)
    previous = ""
    deadline = time.monotonic() + TIMEOUT
    while True:
        svg = app.export_screenshot()
        if svg == previous:
            break
        if time.monotonic() > deadline:
            raise ShotFailed(f"{path.name}: the screen kept changing")
        previous = svg
        await pilot.pause(0.15)
    path.write_text(svg, encoding="utf-8")


# -- the scenes --------------------------------------------------------------------------------

Scene = Callable[["Pilot[None]", "TikhubApp"], Awaitable[None]]


async def conversation(pilot: Pilot[None], app: TikhubApp) -> None:
    await send(pilot, app, "Is Python's sort stable?")
    await send(pilot, app, "When should I use sorted() instead of list.sort()?")


async def reasoning(pilot: Pilot[None], app: TikhubApp) -> None:
    from textual.widgets import Collapsible

    await send(pilot, app, "How many ways can 8 people sit around a round table?")
    answer = chat(app).chat.last_answer()
    assert answer is not None
    section = answer.query_one("#reasoning", Collapsible)
    await pilot.click(section.query_one("CollapsibleTitle"))
    await until(pilot, lambda: not section.collapsed, "opening the reasoning section")
    await pilot.press("escape")  # the click selected the answer: back to the prompt
    await pilot.pause(0.1)


async def errors(pilot: Pilot[None], app: TikhubApp) -> None:
    await send(pilot, app, "What does the Retry-After header mean?")
    await send(pilot, app, "Please finish that answer.")


async def settings(pilot: Pilot[None], app: TikhubApp) -> None:
    from tikhub_tui.ui.screens.settings import SettingsScreen

    await ready(pilot, app)
    await pilot.press("f2")
    await until(pilot, lambda: isinstance(app.screen, SettingsScreen), "opening settings")
    await app.workers.wait_for_complete()  # the keyring probe


async def help_screen(pilot: Pilot[None], app: TikhubApp) -> None:
    from tikhub_tui.ui.screens.help import HelpScreen

    await send(pilot, app, "Is Python's sort stable?")
    await pilot.press("f1")
    await until(pilot, lambda: isinstance(app.screen, HelpScreen), "opening help")


async def search(pilot: Pilot[None], app: TikhubApp) -> None:
    from tikhub_tui.ui.screens.search import SearchResults, SearchScreen

    prompts = [
        "How do I sort a CSV by its second column in the shell?",
        "What are Server-Sent Events?",
        "How do I sort a dict by its values?",
        "List or tuple?",
        "Is Python's sort stable?",
    ]
    for number, prompt in enumerate(prompts):
        if number:
            await pilot.press("ctrl+n")
            await pilot.pause()
        await send(pilot, app, prompt)
    await pilot.press("ctrl+f")
    await until(pilot, lambda: isinstance(app.screen, SearchScreen), "opening search")
    screen = app.screen
    assert isinstance(screen, SearchScreen)
    await pilot.press(*"sort")
    results = screen.query_one(SearchResults)
    await until(pilot, lambda: not screen.busy and results.option_count > 0, "results for 'sort'")


@dataclass(frozen=True)
class Shot:
    name: str
    scene: Scene
    settings: dict[str, Any] = dataclasses.field(default_factory=dict)


def shots() -> list[Shot]:
    from tikhub_tui.ui.themes import load_themes

    themes = sorted(theme.name for theme in load_themes([])[0])
    return [
        Shot("chat", conversation),
        Shot("reasoning", reasoning, {"provider": "anthropic", "model": "claude-opus-4-6"}),
        Shot("error", errors, {"max_retries": 0}),
        Shot("settings", settings),
        Shot("help", help_screen),
        Shot("search", search),
        *(Shot(f"theme-{name}", conversation, {"theme": name}) for name in themes),
    ]


# -- running -----------------------------------------------------------------------------------


UNSET = {"TIKHUB_API_KEY", "TIKHUB_BASE_URL", "NO_COLOR", "TMUX", "TMUX_PANE", "STY"}
"""Variables that would change what the app shows (a key, a URL, colours, the copy path)."""


def isolate(home: Path) -> None:
    """Point every path at `home`, use the in-memory keyring, drop variables that change the app."""
    for name in ("config", "data"):
        (home / name).mkdir(parents=True, exist_ok=True)
    os.environ["TIKHUB_TUI_CONFIG_DIR"] = str(home / "config")
    os.environ["TIKHUB_TUI_DATA_DIR"] = str(home / "data")
    os.environ["PYTHON_KEYRING_BACKEND"] = "tests.memory_keyring.MemoryKeyring"
    os.environ["NO_PROXY"] = "127.0.0.1,localhost"
    os.environ["TERM"] = "xterm-256color"
    for name in list(os.environ):
        if name.startswith("TEXTUAL_") or name in UNSET:
            del os.environ[name]


async def take(shot: Shot, out: Path, home: Path) -> None:
    from tests.memory_keyring import MemoryKeyring
    from tikhub_tui.core.settings import Settings
    from tikhub_tui.ui.app import TikhubApp

    isolate(home / shot.name)
    MemoryKeyring.clear()
    quiet = {"cursor_blink": False, "show_timings": False}
    app = TikhubApp(Settings(**(quiet | shot.settings)), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        try:
            await shot.scene(pilot, app)
            await shoot(pilot, app, out / f"{shot.name}.svg")
        finally:
            await app.action_quit()  # stops the demo gateway's thread too


async def take_all(chosen: list[Shot], out: Path, home: Path) -> None:
    for shot in chosen:
        started = time.monotonic()
        await take(shot, out, home)
        print(f"{out / shot.name}.svg  ({time.monotonic() - started:.1f} s)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots", help="where to write")
    parser.add_argument("--only", default="", help="comma-separated names, e.g. chat,help")
    args = parser.parse_args(argv)
    every = shots()
    wanted = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(wanted) - {shot.name for shot in every})
    if unknown:
        names = ", ".join(shot.name for shot in every)
        parser.error(f"no screenshot named {', '.join(unknown)}; there are: {names}")
    chosen = [shot for shot in every if not wanted or shot.name in wanted]
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        script_gateway()
        with tempfile.TemporaryDirectory(prefix="tikhub-tui-screenshots-") as home:
            asyncio.run(take_all(chosen, args.out, Path(home)))
    except ShotFailed as error:
        print(f"screenshots: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
