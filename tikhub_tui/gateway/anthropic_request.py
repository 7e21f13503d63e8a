"""Anthropic Messages requests: validation with Anthropic's own error bodies, and their prompt.

Anthropic refuses a missing `anthropic-version` header, a missing `max_tokens` and a `system` role
inside `messages`; the gateway does the same so client bugs show up before they reach a real key.
"""

from __future__ import annotations

import itertools
from typing import Any

from tikhub_tui.gateway.parts import IMAGE_TYPES, Part, decode, sniff, texts
from tikhub_tui.gateway.parts import text as text_part
from tikhub_tui.gateway.wire import (
    RETRY_HEADERS,
    Parsed,
    RawRequest,
    Reply,
    count_tokens,
    fake_b62,
    is_int,
    json_reply,
    load_json,
)

_REQUEST_IDS = itertools.count(1)
REQUEST_LIMIT = 32 * 1000 * 1000
"""Anthropic's request size limit (32 MB); bigger bodies get 413 request_too_large."""
IMAGE_LIMIT = 5 * 1024 * 1024
"""Largest base64 image data Anthropic accepts."""

_STATUS_ERRORS: dict[int, tuple[str, str]] = {
    400: ("invalid_request_error", "Invalid request (asked for by the error directive)."),
    401: ("authentication_error", "invalid x-api-key"),
    403: (
        "permission_error",
        "Your API key does not have permission to use the specified resource.",
    ),
    404: ("not_found_error", "model: {model}"),
    413: ("request_too_large", "Request exceeds the maximum allowed number of bytes."),
    429: (
        "rate_limit_error",
        "This request would exceed the rate limit for your organization of 50 requests per "
        "minute. Please try again later.",
    ),
    500: ("api_error", "Internal server error"),
    502: ("api_error", "Bad gateway"),
    503: ("overloaded_error", "Overloaded"),
    504: ("timeout_error", "Request timed out"),
    529: ("overloaded_error", "Overloaded"),
}


def request_id() -> str:
    """A fresh request id in Anthropic's shape (`req_011C...`)."""
    return "req_011C" + fake_b62("anthropic-req", next(_REQUEST_IDS), 20)


def error(status: int, type_: str, message: str) -> Reply:
    """Anthropic's error body: `{"type": "error", "error": {type, message}, "request_id"}`."""
    rid = request_id()
    body = {"type": "error", "error": {"type": type_, "message": message}, "request_id": rid}
    headers = [("request-id", rid), ("x-should-retry", "true" if status >= 429 else "false")]
    if status == 429:
        headers += RETRY_HEADERS
    return json_reply(status, body, headers)


def invalid(message: str) -> Reply:
    """A 400 invalid_request_error."""
    return error(400, "invalid_request_error", message)


def status_error(status: int, model: str) -> Reply:
    """The body Anthropic sends with `status` (the `error: STATUS` directive)."""
    default = "invalid_request_error" if status < 500 else "api_error"
    type_, message = _STATUS_ERRORS.get(status, (default, f"Request failed ({status})"))
    return error(status, type_, message.format(model=model))


def _text(
    content: Any, where: str, message: int = -1, parts: list[Part] | None = None
) -> str | Reply:
    """The text of a string or a list of content blocks (the last text block: that is where a
    prompt's directives are); images and documents are checked and kept in `parts`."""
    found = _blocks(content, where, message, [] if parts is None else parts)
    return found if isinstance(found, Reply) else (found[-1] if found else "")


def _blocks(content: Any, where: str, message: int, parts: list[Part]) -> list[str] | Reply:
    if isinstance(content, str):
        parts.append(text_part(message, content))
        return [content]
    if not isinstance(content, list):
        return invalid(f"{where}: Input should be a valid string or a list of content blocks")
    texts: list[str] = []
    for i, block in enumerate(content):
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            return invalid(f"{where}.{i}.type: Field required")
        if block["type"] == "text":
            if not isinstance(block.get("text"), str):
                return invalid(f"{where}.{i}.text: Field required")
            texts.append(block["text"])
            parts.append(text_part(message, block["text"]))
        elif block["type"] in ("image", "document"):
            part = _source(block, f"{where}.{i}.{block['type']}", message)
            if isinstance(part, Reply):
                return part
            parts.append(part)
    return texts


def _source(block: dict[str, Any], where: str, message: int) -> Part | Reply:
    """An image or document block's source, decoded and checked as Anthropic checks it."""
    image = block["type"] == "image"
    source = block.get("source")
    if not isinstance(source, dict):
        return invalid(f"{where}.source: Field required")
    kind = source.get("type")
    if kind in ("url", "file") or (kind == "text" and not image):
        value = source.get("url", source.get("file_id", source.get("data", "")))
        return Part(message, "image" if image else "file", f"source:{kind}", str(value).encode())
    if kind != "base64":
        return invalid(
            f"{where}.source: Input tag '{kind}' found using 'type' does not match any of the "
            "expected tags: 'base64', 'url', 'file'" + ("" if image else ", 'text', 'content'")
        )
    allowed = IMAGE_TYPES if image else ("application/pdf",)
    media_type = source.get("media_type")
    if media_type not in allowed:
        choices = ", ".join(f"'{t}'" for t in allowed)
        return invalid(f"{where}.source.base64.media_type: Input should be {choices}")
    data = source.get("data")
    if not isinstance(data, str):
        return invalid(f"{where}.source.base64.data: Field required")
    if image and len(data) > IMAGE_LIMIT:  # measured before decoding, as the API does
        return invalid(
            f"{where}.source.base64: image exceeds 5 MB maximum: {len(data)} bytes > "
            f"{IMAGE_LIMIT} bytes"
        )
    raw = decode(data)
    if raw is None:
        return invalid(f"{where}.source.base64.data: Invalid base64 data")
    actual = sniff(raw)
    if image and actual != media_type:
        return invalid(
            f"{where}.source.base64.data: The image was specified using the {media_type} media "
            f"type, but the image appears to be a {actual or 'unsupported'} image"
        )
    if not image and actual != "application/pdf":
        return invalid(f"{where}.source.base64.data: The PDF specified was not valid.")
    return Part(message, "image" if image else "file", str(media_type), raw)


def _messages(raw: Any, parts: list[Part]) -> list[tuple[str, str]] | Reply:
    if not isinstance(raw, list):
        return invalid("messages: Input should be a valid list")
    if not raw:
        return invalid("messages: at least one message is required")
    out: list[tuple[str, str]] = []
    for i, message in enumerate(raw):
        if not isinstance(message, dict):
            return invalid(f"messages.{i}: Input should be a valid dictionary")
        role = message.get("role")
        if role not in ("user", "assistant"):
            return invalid(f"messages.{i}.role: Input should be 'user' or 'assistant'")
        if "content" not in message:
            return invalid(f"messages.{i}.content: Field required")
        text = _text(message["content"], f"messages.{i}.content", i, parts)
        if isinstance(text, Reply):
            return text
        out.append((role, text))
    return out


def parse(req: RawRequest) -> Parsed | Reply:
    """Validate a `POST /v1/messages` request as Anthropic does.

    The key may come as `x-api-key` or, as newer Anthropic SDKs send it, `Authorization: Bearer`.
    """
    bearer = req.headers.get("authorization", "").removeprefix("Bearer ")
    if not req.headers.get("x-api-key", "").strip() and not bearer.strip():
        return error(401, "authentication_error", "x-api-key header is required")
    if not req.headers.get("anthropic-version", "").strip():
        return invalid("anthropic-version: header is required")
    if len(req.body) > REQUEST_LIMIT:  # checked before parsing, as the API does
        return error(413, "request_too_large", _STATUS_ERRORS[413][1])
    data, problem = load_json(req.body)
    if problem is not None:
        return invalid(f"There was an issue with your request body: {problem}")
    if not isinstance(data, dict):
        return invalid("body: Input should be a valid dictionary")
    for name in ("model", "max_tokens", "messages"):
        if name not in data:
            return invalid(f"{name}: Field required")
    model, limit = data["model"], data["max_tokens"]
    if not isinstance(model, str) or not model:
        return invalid("model: Input should be a valid string")
    if not is_int(limit):
        return invalid("max_tokens: Input should be a valid integer")
    if limit < 1:
        return invalid("max_tokens: Input should be greater than or equal to 1")
    parts: list[Part] = []
    messages = _messages(data["messages"], parts)
    if isinstance(messages, Reply):
        return messages
    system = _text(data.get("system", ""), "system")
    if isinstance(system, Reply):
        return system
    refused = _thinking(data.get("thinking"), limit)
    if refused is not None:
        return refused
    if data.get("stream") is not True:
        return invalid("stream: this gateway answers streaming requests only; set stream to true")
    prompt = next((text for role, text in reversed(messages) if role == "user"), "")
    tokens = count_tokens(system, *texts(parts))
    return Parsed(model, prompt, tokens, limit, system=system, parts=tuple(parts))


def _thinking(value: Any, max_tokens: int) -> Reply | None:
    """`thinking` as Anthropic checks it: disabled, or enabled with a budget of at least 1,024
    tokens that is less than `max_tokens`."""
    if value is None:
        return None
    if not isinstance(value, dict) or value.get("type") not in ("enabled", "disabled"):
        return invalid(
            "thinking: Input tag does not match any of the expected tags: 'disabled', 'enabled'"
        )
    if value["type"] == "disabled":
        return None
    budget: Any = value.get("budget_tokens")
    if not is_int(budget):
        return invalid("thinking.enabled.budget_tokens: Field required")
    if budget < 1024:
        return invalid(
            "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024"
        )
    if max_tokens <= budget:
        return invalid(
            "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our "
            "documentation at https://docs.claude.com/en/docs/build-with-claude/"
            "extended-thinking#max-tokens-and-context-window-size"
        )
    return None
