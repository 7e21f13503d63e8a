"""`tikhub-tui sessions show ID [--tree]`: one session's conversation, or its whole tree.

A regenerated answer or an edited prompt keeps the old one as another branch; the
conversation shows the active branch (marking where alternatives exist, `2/3`), and `--tree`
outlines every branch, the active one starred.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from datetime import datetime

from tikhub_tui.core.attachments.text import describe
from tikhub_tui.core.store import Store
from tikhub_tui.core.store.records import StoredMessage
from tikhub_tui.core.store.text import display_safe, format_age
from tikhub_tui.core.store.tree import Tree

PREVIEW = 72
"""Characters of a message shown on its line of the tree when stdout is not a terminal."""


def add_parser(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `show` action and its options."""
    show = actions.add_parser(
        "show",
        help="print a session's conversation (--tree: every branch)",
        description="Print the active branch of a session; where a regenerated answer or an "
        "edited prompt left alternatives, the heading says which one it is (2/3). --tree "
        "outlines every branch instead, the active one marked *.",
    )
    show.add_argument("id", help="session id or a unique start of it")
    show.add_argument("--reasoning", action="store_true", help="include reasoning text")
    show.add_argument(
        "--tree", action="store_true", help="outline every branch, one line per message"
    )


def show(store: Store, args: argparse.Namespace) -> int:
    session = store.get_session(store.find_session(args.id, include_deleted=True))
    messages = store.messages(session.id)
    tree = Tree(store.tree(session.id))
    others = tree.other_branches(session.leaf_id)
    now = store.clock()
    print(display_safe(session.title) or "(untitled)")
    count = f"{len(messages)} messages"
    if others:
        count = f"{tree.size} messages in {others + 1} branches" if args.tree else (
            f"{count}; {others} other branch{'' if others == 1 else 'es'} (--tree shows them)"
        )
    facts = [
        f"id {session.id}",
        f"started {local(session.created_at)}",
        f"updated {format_age(session.updated_at, now)}",
        count,
    ]
    print(" · ".join(facts))
    if session.deleted_at is not None:
        print(f"(deleted; restore with: tikhub-tui sessions restore {session.id})")
    if session.system:
        print("system: " + display_safe(session.system, keep_newlines=True))
    if args.tree:
        _outline(tree, {m.id for m in messages})
        return 0
    for message in messages:
        print()
        print(heading(message, tree.position(message)))
        for item in message.attachments:
            print(f"  attached: {display_safe(describe(item))}")
        if args.reasoning and message.reasoning:
            for line in display_safe(message.reasoning, keep_newlines=True).splitlines():
                print(f"  │ {line}")
            print()
        print(display_safe(message.text, keep_newlines=True).rstrip() or "(no text)")
    return 0


def _outline(tree: Tree, active: set[int]) -> None:
    """One line per message: `*` on the active branch, the tree drawing, who and what."""
    room = shutil.get_terminal_size((100, 24)).columns if sys.stdout.isatty() else 0
    print()
    for drawing, message in tree.outline():
        mark = "*" if message.id in active else " "
        number, alternatives = tree.position(message)
        parts = ["you" if message.role == "user" else "assistant"]
        if message.model:
            parts.append(display_safe(message.model))
        if alternatives > 1:
            parts.append(f"{number}/{alternatives}")
        if message.status != "complete":
            parts.append(message.status)
        if message.attachments:
            count = len(message.attachments)
            parts.append(f"{count} attachment{'' if count == 1 else 's'}")
        text = " ".join(display_safe(message.text).split()) or "(no text)"
        line = f"{mark} {drawing}{' · '.join(parts)}: "
        width = (room or len(line) + PREVIEW) - len(line)
        print(line + (text if len(text) <= width else text[: max(1, width - 1)] + "…"))
    print("\n* the active branch (what the app shows and `sessions show` prints)")


def heading(message: StoredMessage, position: tuple[int, int] = (1, 1)) -> str:
    """`── assistant · gpt-5 (openai) · 2/3 · 2025-01-31 09:05 · stopped ──`."""
    parts = ["you" if message.role == "user" else "assistant"]
    if message.model:
        parts.append(
            display_safe(message.model)
            + (f" ({display_safe(message.provider)})" if message.provider else "")
        )
    if position[1] > 1:
        parts.append(f"{position[0]}/{position[1]}")
    parts.append(local(message.created_at))
    if message.status != "complete":
        parts.append(message.status + (f": {display_safe(message.error)}" if message.error else ""))
    return f"── {' · '.join(parts)} ──"


def local(moment: datetime) -> str:
    """A time in the user's own zone, to the minute."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")
