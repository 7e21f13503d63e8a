"""Transcript widgets for saved messages, and the words under a saved answer."""

from __future__ import annotations

from textual.widget import Widget

from tikhub_tui.core.catalogue import Catalogue, ModelInfo
from tikhub_tui.core.providers import finish_reason
from tikhub_tui.core.store.records import StoredMessage
from tikhub_tui.core.tally import Tally
from tikhub_tui.core.usage import cost_words, cut_words
from tikhub_tui.ui.format import meta_text
from tikhub_tui.ui.widgets.answer import AnswerView
from tikhub_tui.ui.widgets.transcript import UserMessage

STATUS_WORDS = {
    "complete": "",
    "stopped": "stopped",
    "incomplete": "incomplete: the answer was cut off",
    "error": "failed",
}


def stored_meta(
    message: StoredMessage, *, timings: bool = True, info: ModelInfo | None = None
) -> str:
    """The metrics line of a saved answer; `info` (the model's catalogue entry) prices it."""
    outcome = STATUS_WORDS.get(message.status, message.status)
    if message.status == "stopped" and message.finish_reason:
        if finish_reason(message.provider, message.finish_reason) == "max_tokens":
            outcome = cut_words(
                message.max_tokens, message.max_tokens_source, message.finish_reason
            )
        else:
            outcome = {"max_tokens": "cut at the token limit", "cancelled": "stopped by you"}.get(
                message.finish_reason, f"stopped ({message.finish_reason})"
            )
    return meta_text(
        message.model,
        message.provider,
        message.usage,
        outcome or "finished",
        ttft=message.ttft,
        rate=_rate(message),
        duration=message.duration,
        timings=timings,
        cost=cost_words(message.usage, info),
    )


def _rate(message: StoredMessage) -> float | None:
    """Output tokens per second after the first token, as the line said while it streamed
    (only from the provider's count: the saved row has no estimate)."""
    if not message.usage.output_tokens or message.duration is None:
        return None
    return Tally.saved(message.usage, message.ttft, message.duration).tokens_per_second(0.0)


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
        if message.status == "error" or (message.status == "incomplete" and message.error):
            view.stored_error = message.error or "the answer failed"
        widgets.append(view)
    return widgets
