"""The chat screen's files: attaching them (the picker, `@path` in the prompt, a pasted path),
the files each prompt sends and sends again, and the protocol's limits checked before sending.

Files are read and checked in a thread (a 100 MB PDF, a slow disk never freeze typing). A
saved session's files stay on disk until a prompt needs them: then they are read back once
and kept for the session on screen, so each later prompt re-sends them in whichever protocol
it goes to.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tikhub_tui.core.attachments import AttachmentError
from tikhub_tui.core.model import Attachment, Conversation, Message
from tikhub_tui.core.providers import LimitExceeded, check_limits
from tikhub_tui.core.store.records import StoredAttachment, StoreError
from tikhub_tui.core.untrusted import for_terminal
from tikhub_tui.ui.attach_paths import at_paths
from tikhub_tui.ui.screens.attach import ScreenFiles
from tikhub_tui.ui.screens.dialogs import ConfirmScreen

if TYPE_CHECKING:
    from tikhub_tui.core.store.shared import SharedStore
    from tikhub_tui.ui.screens.chat.conversation import ChatConversation
    from tikhub_tui.ui.screens.chat.screen import ChatScreen
    from tikhub_tui.ui.widgets.transcript import UserMessage


def read_files(paths: Sequence[Path]) -> tuple[list[Attachment], list[str]]:
    """The attachments the files make, and why the others cannot be attached (blocking)."""
    from tikhub_tui.core.attachments.load import read_path

    made: list[Attachment] = []
    problems: list[str] = []
    for path in paths:
        try:
            made.append(read_path(path))
        except AttachmentError as error:
            problems.append(str(error))
    return made, problems


def limit_words(error: LimitExceeded, model: str) -> str:
    """Why a prompt's files cannot go to `model`, and the fix."""
    return f"Not sent: {error.message} ({model}). {error.fix[:1].upper()}{error.fix[1:]}."


def broken(conversation: Conversation, model: str, provider: str) -> Exception | None:
    """The limit of the protocol the conversation's files break (LimitExceeded), or a file
    that cannot go at all (AttachmentError); None when all is well."""
    try:
        check_limits(conversation, model, provider)
    except (LimitExceeded, AttachmentError) as error:
        return error
    return None


def check(conversation: Conversation, model: str, provider: str) -> str:
    """Why the conversation's files break the protocol's limits; empty when they do not."""
    error = broken(conversation, model, provider)
    if isinstance(error, LimitExceeded):
        return limit_words(error, model)
    return "" if error is None else f"Not sent: {error}"


def alone(items: Sequence[Attachment]) -> Conversation:
    """A prompt of nothing but these files: to check them as they are attached."""
    return Conversation([Message("user", "", tuple(items))])


async def load_saved(chat: ChatConversation, store: SharedStore) -> str:
    """Read back (in a thread) the saved files the conversation's prompts had that are not in
    memory yet; "" when all are, else why they could not be read."""
    wanted = chat.unloaded_files()
    if not wanted:
        return ""

    def read(items: list[StoredAttachment]) -> list[Attachment]:
        opened = store.get()
        return [opened.load_attachment(item) for item in items]

    try:
        loaded = await asyncio.to_thread(read, wanted)
    except StoreError as error:
        return f"Not sent: a file of this conversation could not be read back: {error}"
    chat.keep_files(loaded)
    return ""


class ChatFiles(ScreenFiles):
    """What the chat screen does with files: the picker, the chips, and a prompt's files made
    ready to send (read, read back, checked against the protocol's limits)."""

    screen: ChatScreen

    async def attach(self, paths: Sequence[Path]) -> bool:
        """Read the files (in a thread) and add them to the chips, each checked against the
        limits of the model in use; False when one could not be attached (said why)."""
        made, problems = await asyncio.to_thread(read_files, paths)
        for problem in problems:
            self._refuse(problem)
        app = self.screen.tikhub
        for item in made:
            error = broken(alone([*self.chips.items, item]), app.model, app.provider)
            if error is None:
                self.chips.add(item)
                continue
            problems.append(str(error))
            if isinstance(error, LimitExceeded) and item.sha256 in error.shrink:
                self._offer_downscale(item, error, *error.shrink[item.sha256])
            else:
                words = limit_words(error, app.model) if isinstance(error, LimitExceeded) else ""
                self._refuse(f"{item.name}: {(words or str(error)).removeprefix('Not sent: ')}")
        return not problems

    def _offer_downscale(
        self, item: Attachment, error: LimitExceeded, side: int, size: int
    ) -> None:
        """Ask before shrinking an image to fit (never done silently); the smaller copy joins
        the chips, the file on disk stays as it is."""
        copy = (
            "a still PNG of its first frame"
            if item.media_type == "image/gif"
            else f"a smaller copy (at most {side:,} px a side)"
        )
        question = (
            f"{for_terminal(item.name)}: {error.message}. Attach {copy} instead, made with Pillow? "
            "The file itself is not changed."
        )

        async def shrink() -> None:
            from tikhub_tui.core.attachments.shrink import downscale
            from tikhub_tui.core.attachments.text import human_size

            try:
                smaller = await asyncio.to_thread(downscale, item, side, size)
            except AttachmentError as problem:
                self._refuse(str(problem))
                return
            self.chips.add(smaller)
            self.screen.notify(
                f"Attached {for_terminal(smaller.name)} downscaled from {item.width}x{item.height} "
                f"({human_size(item.size)}) to {smaller.width}x{smaller.height} "
                f"({human_size(smaller.size)}).",
                markup=False,
            )

        def answered(yes: bool | None) -> None:
            if yes:
                self.screen.run_worker(shrink(), group="attach")
            else:
                self._refuse(f"{item.name}: {limit_words(error, self.screen.tikhub.model)}")

        dialog = ConfirmScreen(question, "Downscale", destructive=False)
        self.screen.app.push_screen(dialog, answered)

    async def attach_named(self, text: str) -> bool:
        """Attach the files a prompt names as `@path` (not attached yet); False when one
        could not be (said why)."""
        have = {item.name for item in self.chips.items}
        named = [path for path in at_paths(text, Path.cwd()) if path.name not in have]
        return not named or await self.attach(named)

    async def ready(
        self, text: str, before: UserMessage | None, files: Sequence[Attachment | StoredAttachment]
    ) -> tuple[Attachment, ...] | None:
        """The files of a prompt about to be sent after the history above `before` (all of it
        when None), read back where saved; None (and said why) when the conversation cannot
        go to the model in use: a saved file is gone, or a limit of its protocol is broken."""
        chat, app = self.screen.chat, self.screen.tikhub
        problem = await load_saved(chat, app.store)
        if problem:
            self._refuse(problem, "Not sent")
            return None
        own = chat.sendable(files)
        said = [*chat.history(before=before), Message("user", text, own)]
        problem = check(
            Conversation.from_history(said, chat.system or None), app.model, app.provider
        )
        if problem:
            self._refuse(problem, "Not sent")
            return None
        return own
