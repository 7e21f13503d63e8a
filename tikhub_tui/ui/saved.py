"""Transcript widgets for saved messages, and the words under a saved answer."""

from __future__ import annotations

from textual.widget import Widget

from tikhub_tui.core.catalogue import Catalogue, ModelInfo
from tikhub_tui.core.model import Finished
from tikhub_tui.core.providers import finish_reason
from tikhub_tui.core.store.records import StoredMessage
from tikhub_tui.core.tally import Tally
from tikhub_tui.ui.format import tally_meta
from tikhub_tui.ui.widgets.answer import AnswerView
from tikhub_tui.ui.widgets.transcript import UserMessage


def restored_tally(message: StoredMessage) -> Tally:
    """The tally of a saved answer, from the facts its row keeps."""
    raw = message.finish_reason
    reason = finish_reason(message.provider, raw) if raw and raw != "cancelled" else None
    finish = Finished(reason or "other", raw) if raw else None
    return Tally.restored(
        usage=message.usage,
        ttft=message.ttft,
        duration=message.duration,
        text=message.text,
        reasoning=message.reasoning,
        finish=finish,
        status=message.status,
        error=message.error,
    )


def stored_meta(
    message: StoredMessage, *, timings: bool = True, info: ModelInfo | None = None
) -> str:
    """The metrics line of a saved answer, by the live answer's formatter; `info` (the
    model's catalogue entry) prices it."""
    tally = restored_tally(message)
    return tally_meta(
        message.model,
        message.provider,
        tally,
        now=tally.ended or 0.0,
        limit=message.max_tokens,
        limit_source=message.max_tokens_source,
        info=info,
        timings=timings,
    )


def widgets_for(
    messages: list[StoredMessage], *, timings: bool = True, catalogue: Catalogue | None = None
) -> list[Widget]:
    """A UserMessage or AnswerView per saved message, oldest first (`catalogue` prices them)."""
    widgets: list[Widget] = []
    for message in messages:
        if message.role == "user":
            widgets.append(UserMessage(message.text, message.id, message.attachments))
            continue
        view = AnswerView(
            message.model,
            message.provider,
            message.text,
            message_id=message.id,
            reasoning=message.reasoning,
        )
        view.usage = message.usage
        info = catalogue.info(message.model) if catalogue else None
        view.stored_meta = stored_meta(message, timings=timings, info=info)
        view.stored_state = (
            "error"
            if message.status == "error"
            else "stopped"
            if message.status in ("stopped", "incomplete")
            else "complete"
        )
        view.stored_failure = restored_tally(message).error
        widgets.append(view)
    return widgets
