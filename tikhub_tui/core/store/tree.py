"""The shape of a session's message tree: alternatives at each point, branches, an outline.

Regenerating an answer or editing a prompt adds a sibling; the old one and what followed it
stay as another branch. The Markdown export and `sessions show --tree` say where those are.
"""

from __future__ import annotations

from collections import defaultdict

from tikhub_tui.core.store.records import StoredMessage


class Tree:
    """Every message of one session, by parent (oldest first at each point)."""

    def __init__(self, messages: list[StoredMessage]) -> None:
        self.children: dict[int | None, list[StoredMessage]] = defaultdict(list)
        for message in sorted(messages, key=lambda m: m.id):
            self.children[message.parent_id].append(message)
        self.size = len(messages)

    def position(self, message: StoredMessage) -> tuple[int, int]:
        """Which of its alternatives `message` is and how many there are: (2, 3) for 2/3."""
        siblings = self.children[message.parent_id]
        ids = [sibling.id for sibling in siblings]
        return (ids.index(message.id) + 1 if message.id in ids else 1), max(1, len(ids))

    def leaves(self) -> list[StoredMessage]:
        """The last message of every branch, oldest first."""
        found = [m for group in list(self.children.values()) for m in group]
        return sorted((m for m in found if not self.children.get(m.id)), key=lambda m: m.id)

    def other_branches(self, leaf_id: int | None) -> int:
        """Branches besides the active one (the one ending at `leaf_id`)."""
        return len([leaf for leaf in self.leaves() if leaf.id != leaf_id])

    def outline(self) -> list[tuple[str, StoredMessage]]:
        """Every message with the tree drawing before it, depth first: a conversation goes
        straight down; where it forks, each alternative is indented under `├─`/`└─`."""
        lines: list[tuple[str, StoredMessage]] = []
        stack: list[tuple[StoredMessage, str, str]] = []

        def push(group: list[StoredMessage], indent: str) -> None:
            if len(group) == 1:
                stack.append((group[0], indent, indent))
                return
            for index in reversed(range(len(group))):
                last = index == len(group) - 1
                first = indent + ("└─ " if last else "├─ ")
                stack.append((group[index], first, indent + ("   " if last else "│  ")))

        push(self.children.get(None, []), "")
        while stack:
            message, first, rest = stack.pop()
            lines.append((first, message))
            group = self.children.get(message.id, [])
            if group:
                push(group, rest)
        return lines
