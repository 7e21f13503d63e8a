"""OpenAI Responses API: `POST /v1/responses` with `Authorization: Bearer KEY`.

Answer text comes from `response.output_text.delta`; reasoning summaries are reasoning, not
answer; `response.completed` ends the stream, `response.incomplete` ends it early with a reason.
"""

from __future__ import annotations

from typing import Any

from tikhub_tui.core.model import (
    Conversation,
    ErrorEvent,
    Finished,
    FinishReason,
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
    error_message,
    join_url,
    load_event,
    sendable,
)

PATH = "v1/responses"

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
    """A streaming Responses request; a single prompt goes as a string, history as a list."""
    turns = sendable(conversation)
    body: dict[str, Any] = {"model": model, "stream": True}
    if len(turns) == 1 and turns[0].role == "user":
        body["input"] = turns[0].text
    else:
        body["input"] = [{"role": m.role, "content": m.text} for m in turns]
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
            delta = obj.get("delta")
            return [TextDelta(delta)] if isinstance(delta, str) and delta else []
        if kind in ("response.reasoning_summary_text.delta", "response.reasoning_text.delta"):
            delta = obj.get("delta")
            return [ReasoningDelta(delta)] if isinstance(delta, str) and delta else []
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
