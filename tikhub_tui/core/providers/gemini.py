"""Gemini: `POST /v1beta/models/{MODEL}:streamGenerateContent?alt=sse` with `x-goog-api-key`.

Every chunk is a GenerateContentResponse: text parts are answer, `thought: true` parts are
reasoning, `usageMetadata` is cumulative, a `finishReason` ends the answer and a
`promptFeedback.blockReason` means the prompt was refused.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

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
    as_label,
    as_text,
    encoded,
    error_message,
    join_url,
    load_event,
    sendable,
)
from tikhub_tui.core.providers.limits import Limits, check

LIMITS = Limits(
    "Gemini",
    # https://ai.google.dev/gemini-api/docs/image-understanding: PNG, JPEG, WEBP, HEIC and
    # HEIF (no GIF); up to 3,600 images per request.
    image_types=frozenset({"image/png", "image/jpeg", "image/webp"}),
    images=3600,
    # https://ai.google.dev/gemini-api/docs/file-input-methods: inline data up to 100 MB per
    # request (raised from 20 MB in January 2026); PDFs up to 50 MB this way.
    request_bytes=100 * 1000 * 1000,
    pdf_bytes=50 * 1000 * 1000,
    # https://ai.google.dev/gemini-api/docs/document-processing: documents up to 1,000 pages.
    pdf_pages=1000,
)

_FINISH_REASONS: dict[str, FinishReason] = {
    "STOP": "stop",
    "MAX_TOKENS": "max_tokens",
    "SAFETY": "content_filter",
    "RECITATION": "content_filter",
    "BLOCKLIST": "content_filter",
    "PROHIBITED_CONTENT": "content_filter",
    "SPII": "content_filter",
    "IMAGE_SAFETY": "content_filter",
}


def build_request(
    conversation: Conversation,
    model: str,
    options: RequestOptions,
    *,
    base_url: str,
    api_key: str,
) -> RequestSpec:
    """A streamGenerateContent request; assistant turns take Gemini's role name `model`,
    attachments go as `inline_data` (and text) parts before the prompt."""
    check_limits(conversation, model)
    name = model.removeprefix("models/")
    body: dict[str, Any] = {
        "contents": [
            {"role": "model" if m.role == "assistant" else "user", "parts": _parts(m)}
            for m in sendable(conversation)
        ],
    }
    config: dict[str, Any] = {}
    if options.max_tokens is not None:  # else the model's own output limit applies
        config["maxOutputTokens"] = options.max_tokens
    if options.reasoning is not None:
        budget = thinking_budget(options.reasoning)
        config["thinkingConfig"] = {"thinkingBudget": budget, "includeThoughts": budget != 0}
    if config:
        body["generationConfig"] = config
    if conversation.system:
        body["systemInstruction"] = {"parts": [{"text": conversation.system}]}
    path = f"v1beta/models/{quote(name, safe='')}:streamGenerateContent?alt=sse"
    headers = {**JSON_HEADERS, "x-goog-api-key": api_key}
    return RequestSpec("POST", join_url(base_url, path), headers, body)


EFFORT_BUDGETS = {"off": 0, "minimal": 512, "low": 1024, "medium": 8192, "high": 24_576}
"""A level as a thinking budget (`thinkingBudget`; 0 turns thinking off where the model can)."""


def thinking_budget(reasoning: Reasoning) -> int:
    """`thinkingConfig.thinkingBudget` of a level or a budget."""
    if reasoning.effort is not None:
        return EFFORT_BUDGETS[reasoning.effort]
    return reasoning.budget or 0


def check_limits(conversation: Conversation, model: str) -> None:
    """Raise LimitExceeded when the attachments break one of Gemini's limits."""
    check(conversation, LIMITS)


def _parts(message: Message) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = []
    for item in message.attachments:
        if item.kind == "text":
            parts.append({"text": text_block(item)})
        else:
            parts.append({"inline_data": {"mime_type": item.media_type, "data": encoded(item)}})
    if message.text.strip() or not parts:
        parts.append({"text": message.text})
    return parts


def _usage(meta: dict[str, Any]) -> UsageUpdate:
    """`usageMetadata`: promptTokenCount includes the cached content and the thoughts are
    counted apart from the candidates; proto3 JSON leaves zero counts out."""
    prompt = as_int(meta.get("promptTokenCount"))
    tools = as_int(meta.get("toolUsePromptTokenCount"))
    answer = as_int(meta.get("candidatesTokenCount"))
    thoughts = as_int(meta.get("thoughtsTokenCount"))
    return UsageUpdate(
        Usage(
            input_tokens=None if prompt is None else prompt + (tools or 0),
            output_tokens=None
            if answer is None and thoughts is None
            else (answer or 0) + (thoughts or 0),
            reasoning_tokens=thoughts,
            cache_read_tokens=as_int(meta.get("cachedContentTokenCount")),
        )
    )


class GenerateContentDecoder:
    """Decodes one Gemini stream; reports the first finishReason only."""

    def __init__(self) -> None:
        self._finished = False

    def decode(self, event: str, data: str) -> list[StreamEvent]:
        obj = load_event(event, data)
        if obj is None or isinstance(obj, ErrorEvent):
            return [] if obj is None else [obj]
        error = obj.get("error")
        if isinstance(error, dict | str) and error:  # `"error": null` is no error
            message, code = error_message(error, "the stream reported an error")
            return [ErrorEvent(as_text(error) or message, code)]
        events: list[StreamEvent] = []
        feedback = obj.get("promptFeedback")
        if isinstance(feedback, dict) and (reason := as_label(feedback.get("blockReason"))):
            return [ErrorEvent(f"the provider blocked the prompt ({reason})", "blocked")]
        candidates = obj.get("candidates")
        candidate = candidates[0] if isinstance(candidates, list) and candidates else {}
        content = candidate.get("content") if isinstance(candidate, dict) else None
        parts = content.get("parts") if isinstance(content, dict) else None
        for part in parts if isinstance(parts, list) else ():
            text = as_text(part.get("text")) if isinstance(part, dict) else ""
            if text:
                thought = part.get("thought") is True
                events.append(ReasoningDelta(text) if thought else TextDelta(text))
        meta = obj.get("usageMetadata")
        if isinstance(meta, dict):
            events.append(_usage(meta))
        raw = candidate.get("finishReason") if isinstance(candidate, dict) else None
        if isinstance(raw, str) and raw and not self._finished:
            self._finished = True
            events.append(Finished(_FINISH_REASONS.get(raw, "other"), raw))
        return events


def new_decoder() -> GenerateContentDecoder:
    return GenerateContentDecoder()


def finish_reason(raw: str) -> FinishReason:
    """The neutral reason of a saved `finishReason`."""
    return _FINISH_REASONS.get(raw, "other")
