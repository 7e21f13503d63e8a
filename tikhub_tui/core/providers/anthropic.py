"""Anthropic Messages API: `POST /v1/messages` with `x-api-key` and `anthropic-version`.

Text comes from `text_delta`s, thinking from `thinking_delta`s; usage from `message_start`
and `message_delta`; the stream ends at `message_stop`, with the stop reason seen before it.
"""

from __future__ import annotations

import re
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
    encoded,
    error_message,
    join_url,
    load_event,
    sendable,
)
from tikhub_tui.core.providers.limits import Limits, check

PATH = "v1/messages"
API_VERSION = "2023-06-01"
FALLBACK_MAX_TOKENS = 4096
"""`max_tokens` for a model the catalogue does not know: every Claude model accepts it."""

LIMITS = Limits(
    "Anthropic",
    # https://platform.claude.com/docs/en/build-with-claude/vision: JPEG, PNG, GIF and WebP;
    # 8000x8000 px at most, 2000x2000 when a request has more than 20 images; up to 600
    # images; a 32 MB request. The API refuses an image whose base64 data exceeds 5 MB
    # ("image exceeds 5 MB maximum: N bytes > 5242880 bytes").
    image_types=frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"}),
    request_bytes=32 * 1000 * 1000,
    image_bytes=5 * 1024 * 1024,
    image_side=8000,
    many_images=(20, 2000),
    images=600,
    # https://platform.claude.com/docs/en/build-with-claude/pdf-support: "Maximum pages per
    # request: 600 (100 for models with a 200k-token context window)", within the 32 MB.
    pdf_pages=100,
)
PAGES_1M_CONTEXT = 600
_FAMILY_VERSION = re.compile(r"claude-(opus|sonnet)-(\d+)(?:-(\d{1,2}))?(?!\d)")


def limits(model: str) -> Limits:
    """Anthropic's limits for a model: Opus and Sonnet 4.6 and later have a 1M-token context
    and take 600 PDF pages; the others 100."""
    found = _FAMILY_VERSION.match(model.strip().lower())
    if found and (int(found.group(2)), int(found.group(3) or 0)) >= (4, 6):
        return LIMITS.with_pages(PAGES_1M_CONTEXT)
    return LIMITS


def check_limits(conversation: Conversation, model: str) -> None:
    """Raise LimitExceeded when the attachments break one of Anthropic's limits."""
    check(conversation, limits(model))


_STOP_REASONS: dict[str, FinishReason] = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "max_tokens",
    "model_context_window_exceeded": "max_tokens",
    "refusal": "content_filter",
}


def build_request(
    conversation: Conversation,
    model: str,
    options: RequestOptions,
    *,
    base_url: str,
    api_key: str,
) -> RequestSpec:
    """A streaming Messages request with the whole history and the system prompt apart;
    attachments go as `text`, `image` and `document` blocks before the prompt."""
    check_limits(conversation, model)
    body: dict[str, Any] = {
        "model": model,
        "max_tokens": required_limit(options),
        "stream": True,
        "messages": [{"role": m.role, "content": _content(m)} for m in sendable(conversation)],
    }
    if conversation.system:
        body["system"] = conversation.system
    if options.reasoning is not None:
        body["thinking"] = thinking(options.reasoning, body["max_tokens"])
    headers = {**JSON_HEADERS, "x-api-key": api_key, "anthropic-version": API_VERSION}
    return RequestSpec("POST", join_url(base_url, PATH), headers, body)


MIN_BUDGET = 1024
"""The smallest `thinking.budget_tokens` Anthropic accepts."""
EFFORT_BUDGETS = {"minimal": 1024, "low": 2048, "medium": 8192, "high": 24_576}
"""A level as a thinking budget."""


def thinking(reasoning: Reasoning, max_tokens: int) -> dict[str, Any]:
    """`thinking`: enabled with a budget of at least 1,024 tokens and below `max_tokens` (as
    the API requires), or disabled for `off`, a budget of 0 or no room under `max_tokens`."""
    if reasoning.effort is not None:
        budget = EFFORT_BUDGETS.get(reasoning.effort, 0)
    else:
        budget = reasoning.budget or 0
    budget = min(max(budget, MIN_BUDGET), max_tokens - 1) if budget else 0
    if budget < MIN_BUDGET:
        return {"type": "disabled"}
    return {"type": "enabled", "budget_tokens": budget}


def _content(message: Message) -> str | list[dict[str, Any]]:
    if not message.attachments:
        return message.text
    blocks: list[dict[str, Any]] = []
    for item in message.attachments:
        if item.kind == "text":
            blocks.append({"type": "text", "text": text_block(item)})
            continue
        source = {"type": "base64", "media_type": item.media_type, "data": encoded(item)}
        if item.kind == "image":
            blocks.append({"type": "image", "source": source})
        else:
            blocks.append({"type": "document", "source": source, "title": item.name})
    if message.text.strip():
        blocks.append({"type": "text", "text": message.text})
    return blocks


def required_limit(options: RequestOptions) -> int:
    """Anthropic requires `max_tokens`: the user's, else the model's own, else a value every
    Claude model accepts."""
    return options.max_tokens or options.model_limit or FALLBACK_MAX_TOKENS


_RAW_COUNTS = ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")


class MessagesDecoder:
    """Decodes one Messages stream; remembers the stop reason until `message_stop`, and the
    counts reported so far (`message_delta` may leave out what `message_start` said)."""

    def __init__(self) -> None:
        self._stop_reason = ""
        self._counts: dict[str, int] = {}

    def _usage(self, usage: dict[str, Any], *, final: bool) -> list[StreamEvent]:
        """Input and cache counts come in `message_start` and again, cumulative, in
        `message_delta`; so does output, but `message_start`'s is a placeholder."""
        for key in (*_RAW_COUNTS, "output_tokens") if final else _RAW_COUNTS:
            value = as_int(usage.get(key))
            if value is not None:
                self._counts[key] = value
        details = usage.get("output_tokens_details")
        thinking = as_int(details.get("thinking_tokens")) if isinstance(details, dict) else None
        counts = self._counts
        uncached = counts.get("input_tokens")
        written = counts.get("cache_creation_input_tokens")
        read = counts.get("cache_read_input_tokens")
        return [
            UsageUpdate(
                Usage(
                    input_tokens=None
                    if uncached is None
                    else uncached + (written or 0) + (read or 0),
                    output_tokens=counts.get("output_tokens"),
                    reasoning_tokens=thinking,
                    cache_read_tokens=read,
                    cache_write_tokens=written,
                )
            )
        ]

    def decode(self, event: str, data: str) -> list[StreamEvent]:
        obj = load_event(event, data)
        if obj is None or isinstance(obj, ErrorEvent):
            return [] if obj is None else [obj]
        kind = obj.get("type") or event
        if kind == "content_block_delta":
            delta = obj.get("delta")
            if not isinstance(delta, dict):
                return []
            if delta.get("type") == "text_delta" and (text := as_text(delta.get("text"))):
                return [TextDelta(text)]
            if delta.get("type") == "thinking_delta" and (text := as_text(delta.get("thinking"))):
                return [ReasoningDelta(text)]
            return []
        if kind == "message_start":
            message = obj.get("message")
            usage = message.get("usage") if isinstance(message, dict) else None
            return self._usage(usage, final=False) if isinstance(usage, dict) else []
        if kind == "message_delta":
            delta = obj.get("delta")
            if isinstance(delta, dict) and isinstance(delta.get("stop_reason"), str):
                self._stop_reason = delta["stop_reason"]
            usage = obj.get("usage")
            return self._usage(usage, final=True) if isinstance(usage, dict) else []
        if kind == "message_stop":
            raw = self._stop_reason or "end_turn"
            return [Finished(_STOP_REASONS.get(raw, "other"), raw)]
        if kind == "error":
            message, code = error_message(obj.get("error"), "the stream reported an error")
            return [ErrorEvent(message, code)]
        return []


def new_decoder() -> MessagesDecoder:
    return MessagesDecoder()


def finish_reason(raw: str) -> FinishReason:
    """The neutral reason of a saved `stop_reason`."""
    return _STOP_REASONS.get(raw, "other")
