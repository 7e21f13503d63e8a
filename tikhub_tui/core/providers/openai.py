"""OpenAI Responses API: `POST /v1/responses` with `Authorization: Bearer KEY`.

Answer text comes from `response.output_text.delta`; reasoning summaries are reasoning, not
answer; `response.completed` ends the stream, `response.incomplete` ends it early with a reason.
"""

from __future__ import annotations

from typing import Any

from tikhub_tui.core.attachments.text import text_block
from tikhub_tui.core.model import (
    Conversation,
    ErrorEvent,
    Finished,
    FinishReason,
    Message,
    Reasoning,
    ReasoningDelta,
    RequestOptions,
    RequestSpec,
    StreamEvent,
    TextDelta,
    Usage,
    UsageUpdate,
)
from tikhub_tui.core.providers.common import (
    JSON_HEADERS,
    as_int,
    as_text,
    data_url,
    error_message,
    join_url,
    load_event,
    sendable,
)
from tikhub_tui.core.providers.limits import Limits, check

PATH = "v1/responses"

LIMITS = Limits(
    "OpenAI",
    # https://developers.openai.com/api/docs/guides/images-vision ("Image input requirements"):
    # PNG, JPEG, WEBP and non-animated GIF; up to 50 MB of images and 500 images per request.
    image_types=frozenset({"image/png", "image/jpeg", "image/webp", "image/gif"}),
    images_bytes=50 * 1000 * 1000,
    images=500,
    still_gifs=True,
    # https://developers.openai.com/api/docs/guides/file-inputs ("File size limitations"):
    # "up to 100 pages and 32MB of total content in a single request, across multiple file
    # inputs", so one file is at most 32 MB too.
    pdf_bytes=32 * 1000 * 1000,
    files_bytes=32 * 1000 * 1000,
    pdf_pages=100,
)

_INCOMPLETE_REASONS: dict[str, FinishReason] = {
    "max_output_tokens": "max_tokens",
    "content_filter": "content_filter",
}


def build_request(
    conversation: Conversation,
    model: str,
    options: RequestOptions,
    *,
    base_url: str,
    api_key: str,
) -> RequestSpec:
    """A streaming Responses request; a single prompt goes as a string, history as a list,
    attachments as `input_text`, `input_image` and `input_file` parts before the prompt."""
    check_limits(conversation, model)
    turns = sendable(conversation)
    body: dict[str, Any] = {"model": model, "stream": True}
    if len(turns) == 1 and turns[0].role == "user" and not turns[0].attachments:
        body["input"] = turns[0].text
    else:
        body["input"] = [{"role": m.role, "content": _content(m)} for m in turns]
    if conversation.system:
        body["instructions"] = conversation.system
    if options.max_tokens is not None:  # else the model's own output limit applies
        body["max_output_tokens"] = options.max_tokens
    if options.reasoning is not None:
        body["reasoning"] = {"effort": effort(options.reasoning)}
    headers = {**JSON_HEADERS, "authorization": f"Bearer {api_key}"}
    return RequestSpec("POST", join_url(base_url, PATH), headers, body)


EFFORT_BUDGETS: tuple[tuple[int, str], ...] = ((0, "minimal"), (2_048, "low"), (12_288, "medium"))
"""A thinking budget as the Responses API's level: up to this many tokens, this level; more
is `high`."""


def effort(reasoning: Reasoning) -> str:
    """`reasoning.effort`: the level asked for (`off` is `minimal`, the least there is), or the
    level nearest a budget."""
    if reasoning.effort is not None:
        return "minimal" if reasoning.effort == "off" else reasoning.effort
    budget = reasoning.budget or 0
    return next((level for most, level in EFFORT_BUDGETS if budget <= most), "high")


def check_limits(conversation: Conversation, model: str) -> None:
    """Raise LimitExceeded when the attachments break one of OpenAI's limits."""
    check(conversation, LIMITS)


def _content(message: Message) -> str | list[dict[str, Any]]:
    if not message.attachments:
        return message.text
    parts: list[dict[str, Any]] = []
    for item in message.attachments:
        if item.kind == "text":
            parts.append({"type": "input_text", "text": text_block(item)})
        elif item.kind == "image":
            parts.append({"type": "input_image", "image_url": data_url(item), "detail": "auto"})
        else:
            parts.append({"type": "input_file", "filename": item.name, "file_data": data_url(item)})
    if message.text.strip():
        parts.append({"type": "input_text", "text": message.text})
    return parts


def _usage(response: Any) -> list[StreamEvent]:
    """`response.usage`: input_tokens includes the cached ones, output_tokens the reasoning."""
    usage = response.get("usage") if isinstance(response, dict) else None
    if not isinstance(usage, dict):
        return []
    inputs = usage.get("input_tokens_details")
    inputs = inputs if isinstance(inputs, dict) else {}
    outputs = usage.get("output_tokens_details")
    outputs = outputs if isinstance(outputs, dict) else {}
    return [
        UsageUpdate(
            Usage(
                input_tokens=as_int(usage.get("input_tokens")),
                output_tokens=as_int(usage.get("output_tokens")),
                reasoning_tokens=as_int(outputs.get("reasoning_tokens")),
                cache_read_tokens=as_int(inputs.get("cached_tokens")),
                cache_write_tokens=as_int(inputs.get("cache_write_tokens")),
            )
        )
    ]


class ResponsesDecoder:
    """Decodes one Responses stream; stateless apart from the summary-part separator."""

    def __init__(self) -> None:
        self._summary_parts = 0

    def decode(self, event: str, data: str) -> list[StreamEvent]:
        obj = load_event(event, data)
        if obj is None or isinstance(obj, ErrorEvent):
            return [] if obj is None else [obj]
        kind = obj.get("type") or event
        if kind == "response.output_text.delta":
            delta = as_text(obj.get("delta"))
            return [TextDelta(delta)] if delta else []
        if kind in ("response.reasoning_summary_text.delta", "response.reasoning_text.delta"):
            delta = as_text(obj.get("delta"))
            return [ReasoningDelta(delta)] if delta else []
        if kind == "response.reasoning_summary_part.added":
            self._summary_parts += 1
            return [ReasoningDelta("\n\n")] if self._summary_parts > 1 else []
        if kind == "response.completed":
            return [*_usage(obj.get("response")), Finished("stop", "completed")]
        if kind == "response.incomplete":
            response = obj.get("response") or {}
            details = response.get("incomplete_details") if isinstance(response, dict) else None
            raw = details.get("reason") if isinstance(details, dict) else None
            raw = raw if isinstance(raw, str) else "incomplete"
            return [*_usage(response), Finished(_INCOMPLETE_REASONS.get(raw, "other"), raw)]
        if kind == "response.failed":
            response = obj.get("response")
            error = response.get("error") if isinstance(response, dict) else None
            message, code = error_message(error, "the response failed (no reason given)")
            return [*_usage(response), ErrorEvent(message, code)]  # spent tokens still count
        if kind == "error":
            message, code = error_message(obj.get("error", obj), "the stream reported an error")
            return [ErrorEvent(message, code)]
        return []


def new_decoder() -> ResponsesDecoder:
    return ResponsesDecoder()


def finish_reason(raw: str) -> FinishReason:
    """The neutral reason of a saved ending: `completed`, or an `incomplete_details.reason`."""
    return "stop" if raw == "completed" else _INCOMPLETE_REASONS.get(raw, "other")
