"""Gemini: `POST /v1beta/models/{MODEL}:streamGenerateContent?alt=sse` with `x-goog-api-key`.

Every chunk is a GenerateContentResponse: text parts are answer, `thought: true` parts are
reasoning, `usageMetadata` is cumulative, a `finishReason` ends the answer and a
`promptFeedback.blockReason` means the prompt was refused.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

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
    """A streamGenerateContent request; assistant turns take Gemini's role name `model`."""
    name = model.removeprefix("models/")
    body: dict[str, Any] = {
        "contents": [
            {"role": "model" if m.role == "assistant" else "user", "parts": [{"text": m.text}]}
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
        if "error" in obj:
            message, code = error_message(obj["error"], "the stream reported an error")
            return [ErrorEvent(message, code)]
        events: list[StreamEvent] = []
        feedback = obj.get("promptFeedback")
        if isinstance(feedback, dict) and feedback.get("blockReason"):
            reason = str(feedback["blockReason"])
            return [ErrorEvent(f"the provider blocked the prompt ({reason})", "blocked")]
        candidates = obj.get("candidates")
        candidate = candidates[0] if isinstance(candidates, list) and candidates else {}
        content = candidate.get("content") if isinstance(candidate, dict) else None
        parts = content.get("parts") if isinstance(content, dict) else None
        for part in parts if isinstance(parts, list) else ():
            text = part.get("text") if isinstance(part, dict) else None
            if isinstance(text, str) and text:
                events.append(ReasoningDelta(text) if part.get("thought") else TextDelta(text))
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
