"""Saving `ask` exchanges as sessions, and continuing them (`--continue`, `--session ID`).

The answer is written as it streams (batched by the store's AnswerWriter), so a killed `ask`
leaves what had arrived, marked incomplete. The exchange is recorded on a helper thread started
as the request leaves, so saving adds nothing to the time before the request is sent, the
store work overlaps the wait for the first token, and a prompt refused before sending (one
too long for the model's context window) leaves nothing behind.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tikhub_tui.core.model import Conversation, Message, RequestOptions, Usage

if TYPE_CHECKING:
    from tikhub_tui.core.store import Store
    from tikhub_tui.core.store.writer import AnswerWriter


class SessionChoiceError(Exception):
    """`--continue`/`--session` cannot be honoured; the message says why and what to do."""


@dataclass(eq=False)
class Recorder:
    """The store side of one `ask`: the history to send, and where the answer goes."""

    conversation: Conversation
    model: str = ""
    provider: str = ""
    """The model to ask: the one given, or, continuing a session, the one it last used."""
    writer: AnswerWriter | None = None
    warning: str = ""
    options: RequestOptions | None = None
    """The request's options, saved with the answer (set before `start`)."""
    _thread: threading.Thread | None = field(default=None, repr=False)

    def start(self) -> None:
        """Begin recording a new session in the background (call it as the request leaves)."""
        if self._thread is not None and self._thread.ident is None:
            self._thread.start()

    def ready(self) -> Recorder:
        """Wait for the recording started in the background (if any)."""
        if self._thread is not None:
            self.start()
            self._thread.join()
            self._thread = None
        return self

    def append(self, text: str) -> None:
        writer = self.ready().writer
        if writer is not None and text:
            writer.append(text=text)

    def finish(
        self,
        status: str,
        finish_reason: str = "",
        usage: Usage | None = None,
        ttft: float | None = None,
        duration: float | None = None,
        error: str = "",
    ) -> None:
        self.ready()
        writer, self.writer = self.writer, None
        if writer is not None:
            writer.finish(status, finish_reason, usage, ttft, duration, error)


def open_recorder(
    prompt: str,
    system: str | None,
    model: str,
    provider: str,
    *,
    save: bool,
    continue_latest: bool,
    session: str | None,
    chosen: bool = True,
    system_given: bool = True,
) -> Recorder:
    """The history to send and the recording of this exchange (see the module docstring).

    Continuing a session, the model is the one the session last used unless `chosen` (given
    on the command line), and the system prompt is the session's unless `system_given` (a
    given one becomes the session's)."""
    if not continue_latest and session is None:
        conversation = Conversation([Message("user", prompt)], system or None)
        recorder = Recorder(conversation, model, provider)
        if save:
            recorder._thread = threading.Thread(
                target=_record,
                args=(recorder, None, prompt, system, model, provider),
                name="record-session",
                daemon=True,
            )
        return recorder
    from tikhub_tui.core.store import Store
    from tikhub_tui.core.store.records import StoreError, last_model

    try:
        with Store.open() as store:
            session_id = _choose(store, continue_latest, session)
            saved = store.messages(session_id)
            session_system = store.get_session(session_id).system
    except StoreError as error:
        raise SessionChoiceError(f"cannot read the sessions: {error}") from None
    used = last_model(saved)
    if not chosen and used is not None:
        model, provider = used.model, used.provider
    history = [*(Message(m.role, m.text) for m in saved), Message("user", prompt)]
    conversation = Conversation.from_history(
        history, (system if system_given else session_system) or None
    )
    recorder = Recorder(conversation, model, provider)
    if save:  # recorded as the request leaves: a prompt refused before sending leaves no trace
        new_system = (system or "") if system_given else None
        recorder._thread = threading.Thread(
            target=_record,
            args=(recorder, session_id, prompt, new_system, model, provider),
            name="record-session",
            daemon=True,
        )
    return recorder


def _record(
    recorder: Recorder,
    session_id: str | None,
    prompt: str,
    system: str | None,
    model: str,
    provider: str,
) -> None:
    """Add the prompt (to a new session unless given) and an answer to fill as it streams."""
    from tikhub_tui.core.store import Store, title_from_prompt
    from tikhub_tui.core.store.records import StoreError

    try:
        with Store.open() as store:
            if session_id is None:
                session_id = store.create_session(title_from_prompt(prompt), system or "")
            elif system is not None:
                store.set_system(session_id, system)  # -s while continuing: from now on
            store.add_message(session_id, "user", prompt, model=model, provider=provider)
            answer = store.begin_answer(session_id, model, provider, options=recorder.options)
            recorder.writer = store.answer_writer(answer)
    except StoreError as error:
        recorder.warning = f"warning: this answer is not saved: {error}"


def _choose(store: Store, continue_latest: bool, session: str | None) -> str:
    from tikhub_tui.core.store.records import AmbiguousSession, NoSuchSession

    if session is not None:
        try:
            return store.find_session(session)
        except (NoSuchSession, AmbiguousSession) as error:
            raise SessionChoiceError(f"{error}; `tikhub-tui sessions list` shows the ids") from None
    latest = store.latest_session_id()
    if latest is None:
        raise SessionChoiceError(
            "there is no saved session to continue yet; ask without --continue to start one"
        )
    return latest
