"""The exchange of one `ask`: a new session, or a saved one continued (`--continue`, `--session`).

The answer is written as it streams (core.exchange), so a killed `ask` leaves what had arrived,
marked incomplete. The exchange is recorded on a helper thread started as the request leaves,
so saving adds nothing to the time before the request is sent, and a prompt refused before
sending (too long for the model's context window) leaves nothing behind; a continued session
is read once, and its history sent from memory.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from tikhub_tui.core.exchange import Exchange, Prompt
from tikhub_tui.core.model import Attachment, Conversation, Message

if TYPE_CHECKING:
    from tikhub_tui.core.catalogue import Catalogue
    from tikhub_tui.core.store import Store
    from tikhub_tui.core.store.shared import SharedStore


class OnDemandStore:
    """The sessions store, loaded and opened only when first needed: for a new session that is
    in the recording thread, so the store's modules are not imported before the request
    leaves. A file that cannot be opened is an error (an answer of `ask` never goes to a
    scratch store)."""

    def __init__(self) -> None:
        self._shared: SharedStore | None = None

    def get(self) -> Store:
        if self._shared is None:
            from tikhub_tui.core.store.shared import SharedStore

            self._shared = SharedStore(scratch=False)
        return self._shared.get()

    def close(self) -> None:
        if self._shared is not None:
            self._shared.close()


class SessionChoiceError(Exception):
    """`--continue`/`--session` cannot be honoured; the message says why and what to do."""


def open_exchange(
    prompt: str,
    system: str | None,
    model: str,
    provider: str,
    *,
    store: OnDemandStore,
    save: bool,
    continue_latest: bool,
    session: str | None,
    chosen: bool = True,
    system_given: bool = True,
    max_tokens: int | None = None,
    catalogue: Catalogue | None = None,
    attachments: Sequence[Attachment] = (),
    fit: Callable[[Conversation, str, str], Conversation] | None = None,
) -> Exchange:
    """The exchange of this `ask` (see the module docstring); `store` is opened only to
    continue a session or, in the background, to save.

    Continuing a session, the model is the one the session last used unless `chosen` (given
    on the command line), and the system prompt is the session's unless `system_given` (a
    given one becomes the session's). `fit(conversation, model, provider)` checks (and may
    downscale) the attachments, the history's too, before anything is recorded or sent."""
    if not continue_latest and session is None:
        history, files = _fitted([], prompt, attachments, system, model, provider, fit)
        return Exchange(
            Prompt(prompt, attachments=files),
            history,
            model,
            provider,
            system=system or "",
            store=store if save else None,
            max_tokens=max_tokens,
            info=catalogue.info(model) if catalogue else None,
        )
    from tikhub_tui.core.store.records import StoreError, last_model

    try:
        opened = store.get()
        session_id = _choose(opened, continue_latest, session)
        saved = opened.messages(session_id)
        session_system = opened.get_session(session_id).system
        earlier = [opened.sendable_message(m) for m in saved]  # attachments read back
    except StoreError as error:
        raise SessionChoiceError(f"cannot read the sessions: {error}") from None
    used = last_model(saved)
    if not chosen and used is not None:
        model, provider = used.model, used.provider
    system = (system or "") if system_given else session_system
    history, files = _fitted(earlier, prompt, attachments, system, model, provider, fit)
    return Exchange(
        Prompt(prompt, attachments=files),
        history,
        model,
        provider,
        system=system or "",
        session_id=session_id,
        store=store if save else None,
        set_system=system_given,  # -s while continuing: from now on
        max_tokens=max_tokens,
        info=catalogue.info(model) if catalogue else None,
    )


def _fitted(
    history: list[Message],
    prompt: str,
    attachments: Sequence[Attachment],
    system: str | None,
    model: str,
    provider: str,
    fit: Callable[[Conversation, str, str], Conversation] | None,
) -> tuple[list[Message], tuple[Attachment, ...]]:
    """The history and the prompt's attachments as they will be sent, once `fit` passed them."""
    if fit is None:
        return history, tuple(attachments)
    whole = Conversation.from_history(
        [*history, Message("user", prompt, tuple(attachments))], system or None
    )
    sent = fit(whole, model, provider).messages
    return sent[:-1], sent[-1].attachments


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
