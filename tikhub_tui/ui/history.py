"""Transcript widgets for saved messages, and the words under a saved answer."""

from __future__ import annotations

from textual.widget import Widget

from tikhub_tui.core.store_types import StoredMessage
from tikhub_tui.ui.widgets.answer import AnswerView
from tikhub_tui.ui.widgets.transcript import UserMessage

STATUS_WORDS = {
    "complete": "",
    "stopped": "stopped",
    "incomplete": "incomplete: the answer was cut off",
    "error": "failed",
}


def stored_meta(message: StoredMessage, *, timings: bool = True) -> str:
    """model · provider · first token · tokens in/out · duration · outcome, from the store."""
    parts = [message.model or "?", message.provider or "?"]
    if timings and message.ttft is not None:
        parts.append(f"first token {message.ttft:.2f} s")
    usage = message.usage
    if usage.input_tokens is not None or usage.output_tokens is not None:
        count_in = "?" if usage.input_tokens is None else f"{usage.input_tokens:,}"
        count_out = "?" if usage.output_tokens is None else f"{usage.output_tokens:,}"
        parts.append(f"{count_in} in / {count_out} out")
    if timings and message.duration is not None:
        parts.append(f"{message.duration:.1f} s")
    outcome = STATUS_WORDS.get(message.status, message.status)
    if message.status == "stopped" and message.finish_reason:
        outcome = {"max_tokens": "cut at the token limit", "cancelled": "stopped by you"}.get(
            message.finish_reason, f"stopped ({message.finish_reason})"
        )
    parts.append(outcome or "finished")
    return " · ".join(parts)


def widgets_for(messages: list[StoredMessage], *, timings: bool = True) -> list[Widget]:
    """A UserMessage or AnswerView per saved message, oldest first."""
    widgets: list[Widget] = []
    for message in messages:
        if message.role == "user":
            widgets.append(UserMessage(message.text, message.id))
            continue
        view = AnswerView(
            message.model,
            message.provider,
            message.text,
            message_id=message.id,
            reasoning=message.reasoning,
        )
        view.stored_meta = stored_meta(message, timings=timings)
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
