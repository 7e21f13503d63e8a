"""The chat screen's usage: the session's running total (tokens and cost, on the status line
under the prompt: always in view, where a narrow header would cut it off), how full the
model's context window is, and the refusal of a prompt that cannot fit.

The total is added up from the store in a thread worker: every answer of the session, on every
branch (their tokens were spent), each priced by its own model. The context's share comes from
what is on screen: the provider's own count of the last answer, else an estimate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.message import Message as TextualMessage
from textual.screen import Screen

from tikhub_tui.core.catalogue import Catalogue, ModelInfo, for_settings
from tikhub_tui.core.model import Attachment, Conversation, Message
from tikhub_tui.core.tokens import (
    ContextUse,
    context_after,
    context_before,
    estimate_attachment,
    larger_windows,
)
from tikhub_tui.core.usage import Totals, total_words, totals
from tikhub_tui.ui.format import too_long_words
from tikhub_tui.ui.widgets.context_line import ContextLine

if TYPE_CHECKING:
    from tikhub_tui.core.store.shared import SharedStore
    from tikhub_tui.ui.screens.chat.conversation import ChatConversation
    from tikhub_tui.ui.screens.chat.screen import ChatScreen

FIX_KEYS = ("new-session", "select-messages", "focus-models")
"""The bindings whose keys the refusal names."""


def conversation_use(chat: ChatConversation, info: ModelInfo | None) -> ContextUse:
    """How full the window is before the next prompt: the provider's count of the last answer
    (its prompt and itself are the next prompt's history), else an estimate of the history."""
    last = chat.last_answer()
    if last is not None and last.usage is not None and last.state != "streaming":
        after = context_after(last.usage, info)
        if after is not None:
            return after
    # a prompt whose answer failed is not sent again: the protocols' turns must alternate
    said = Conversation.from_history([*chat.history(), Message("user", "")], chat.system or None)
    said.messages.pop()
    return context_before(said, info)


def edited_use(
    chat: ChatConversation, before: Any, text: str, info: ModelInfo | None
) -> ContextUse:
    """The estimate of an edited prompt resent after the history above it."""
    said = Conversation.from_history(
        [*chat.history(before=before), Message("user", text)], chat.system or None
    )
    return context_before(said, info)


def key_name(key: str) -> str:
    """`ctrl+n` as a person reads it: `Ctrl+N`."""
    first = key.split(",")[0].strip()
    return "+".join(
        part.upper() if len(part) == 1 else part.capitalize() for part in first.split("+")
    )


def fix_keys(bindings: Iterable[object], keymap: Mapping[str, str]) -> dict[str, str]:
    """The keys of the bindings the refusal names, after the user's keymap."""
    found = {
        b.id: keymap.get(b.id, b.key)
        for b in bindings
        if isinstance(b, Binding) and b.id in FIX_KEYS
    }
    return {name: key_name(key) for name, key in found.items() if name}


def refusal(
    use: ContextUse | None,
    model: str,
    provider: str,
    catalogue: Catalogue,
    keys: Mapping[str, str],
    files: Sequence[Attachment] = (),
) -> str:
    """Why a prompt cannot be sent, with the fixes; "" when it fits (or nothing is known).
    `files`: the prompt's attachments (the biggest is named as a fix)."""
    if use is None or use.fits:
        return ""
    others = larger_windows(catalogue, use.tokens, provider)
    sizes = [(file.name, estimate_attachment(file)) for file in files]
    return too_long_words(use, model, others, keys, sizes)


class SessionTotal:
    """The running total of the session on screen, added up from the store off the UI thread."""

    @dataclass
    class Totalled(TextualMessage):
        """The answers of `session_id` added up."""

        session_id: str | None
        total: Totals

    def __init__(self, screen: Screen[Any], store: SharedStore) -> None:
        self.screen = screen
        self.store = store
        self.total = Totals()
        self.session_id: str | None = None

    def refresh(self, session_id: str | None, catalogue: Callable[[], Catalogue]) -> None:
        """Add up the session's answers again (after an answer, on opening a session)."""
        post = self.screen.post_message
        if session_id is None:
            post(self.Totalled(None, Totals()))
            return

        def work() -> None:
            try:
                records = self.store.get().usage_records(session_id=session_id)
            except Exception:  # the store's own failures are reported where it is used
                return
            post(self.Totalled(session_id, totals(records, catalogue())))

        self.screen.run_worker(work, thread=True, exit_on_error=False, group="usage")

    def take(self, event: Totalled, current: str | None) -> bool:
        """Keep a total that is of the session on screen; True when it was."""
        if event.session_id != current:
            return False
        self.session_id, self.total = event.session_id, event.total
        return True

    def words(self, current: str | None) -> str:
        """`12.4k tokens, $0.041`: short enough for the status line of an 80-column terminal
        ("" before the session's first answer)."""
        total = self.total
        if self.session_id != current or not total.answers:
            return ""
        _, tokens, cost = total_words(total).split(" · ")  # one wording of the total
        return f"{tokens}, {cost}"


class ChatUsage:
    """What the chat screen shows of usage: the running total in the header and the context
    line under the prompt; and whether a prompt fits before it is sent."""

    def __init__(self, screen: ChatScreen) -> None:
        self.screen = screen
        self.total = SessionTotal(screen, screen.tikhub.store)

    def catalogue(self) -> Catalogue:
        return for_settings(self.screen.tikhub.settings)

    @property
    def line(self) -> ContextLine:
        return self.screen.query_one(ContextLine)

    def show(self) -> None:
        """The context line, for the conversation and model now."""
        screen, app = self.screen, self.screen.tikhub
        info = self.catalogue().info(app.model)
        self.line.set_base(conversation_use(screen.chat, info))

    def status(self) -> str:
        """The running total for the status line: ` · session: 12.4k tokens, $0.041` (""
        before the session's first answer)."""
        chat = self.screen.conversation
        total = self.total.words(chat.session_id) if chat is not None else ""
        return f" · session: {total}" if total else ""

    def count(self, session_id: str | None) -> None:
        """Add the session's answers up again (an answer ended, a session opened)."""
        self.total.refresh(session_id, self.catalogue)

    def counted(self, event: SessionTotal.Totalled) -> None:
        if self.total.take(event, self.screen.chat.session_id):
            self.screen.refresh_status()

    def typed(self, draft: str, files: int = 0) -> None:
        """The draft changed (or its files, of about `files` tokens)."""
        self.line.set_draft(draft, files)

    def refusal(
        self, text: str, editing: object | None, files: Sequence[Attachment] = ()
    ) -> str:
        """Why `text` (with `files`) cannot be sent to the model in use ("" when it fits): the
        line's own reading, or for an edited prompt the history above it and the new text."""
        app, screen = self.screen.tikhub, self.screen
        catalogue = self.catalogue()
        if editing is None:
            use = self.line.use
        else:
            use = edited_use(screen.chat, editing, text, catalogue.info(app.model))
        keys = fix_keys(screen.BINDINGS, app._keymap)
        return refusal(use, app.model, app.provider, catalogue, keys, files)
