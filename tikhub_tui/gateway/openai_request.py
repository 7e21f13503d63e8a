"""OpenAI Responses requests: validation with OpenAI's own error bodies, and the prompt they carry.

The gateway checks requests the way the real API does, so a client bug (a wrong content part type,
a missing field) fails here with the message OpenAI would give instead of passing silently.
"""

from __future__ import annotations

import itertools
from typing import Any

from tikhub_tui.gateway import openai_parts
from tikhub_tui.gateway.parts import Part, texts
from tikhub_tui.gateway.parts import text as text_part
from tikhub_tui.gateway.wire import (
    RETRY_HEADERS,
    Parsed,
    RawRequest,
    Reply,
    count_tokens,
    fake_id,
    is_int,
    json_reply,
    load_json,
)

_MISSING_KEY = (
    "You didn't provide an API key. You need to provide your API key in an Authorization header "
    "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank "
    "username) if you're accessing the API from your browser and are prompted for a username. You "
    "can obtain an API key from https://platform.openai.com/account/api-keys."
)
_BAD_JSON = (
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using "
    "your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not "
    "valid JSON. If you have trouble figuring out how to fix this, please contact us through our "
    "help center at help.openai.com.)"
)
_REQUEST_IDS = itertools.count(1)
_ROLES = ("assistant", "system", "developer", "user")
_USER_PARTS = ("input_text", "input_image", "input_file")
_ASSISTANT_PARTS = ("output_text", "refusal")

# status -> (type, code, message); {model} is filled in
_STATUS_ERRORS: dict[int, tuple[str, str | None, str]] = {
    400: ("invalid_request_error", None, "Invalid request (asked for by the error directive)."),
    401: (
        "invalid_request_error",
        "invalid_api_key",
        "Incorrect API key provided. You can find your API key at "
        "https://platform.openai.com/account/api-keys.",
    ),
    403: (
        "invalid_request_error",
        "unsupported_country_region_territory",
        "Country, region, or territory not supported",
    ),
    404: (
        "invalid_request_error",
        "model_not_found",
        "The model `{model}` does not exist or you do not have access to it.",
    ),
    429: (
        "requests",
        "rate_limit_exceeded",
        "Rate limit reached for {model} in organization org-demo on requests per min (RPM): "
        "Limit 3, Used 3, Requested 1. Please try again in 1s.",
    ),
    500: (
        "server_error",
        None,
        "The server had an error while processing your request. Sorry about that!",
    ),
    502: ("server_error", None, "Bad gateway."),
    503: (
        "server_error",
        "server_is_overloaded",
        "The engine is currently overloaded, please try again later.",
    ),
    504: ("server_error", None, "Gateway timeout."),
}


def error(
    status: int, message: str, type_: str, param: str | None = None, code: str | None = None
) -> Reply:
    """OpenAI's error body: `{"error": {message, type, param, code}}`."""
    body = {"error": {"message": message, "type": type_, "param": param, "code": code}}
    headers = [("x-request-id", "req_" + fake_id("openai-req", next(_REQUEST_IDS), 32))]
    if status == 429:
        headers += RETRY_HEADERS
    return json_reply(status, body, headers)


def invalid(message: str, param: str | None = None, code: str | None = None) -> Reply:
    """A 400 invalid_request_error."""
    return error(400, message, "invalid_request_error", param, code)


def status_error(status: int, model: str) -> Reply:
    """The body OpenAI sends with `status` (the `error: STATUS` directive)."""
    default = "invalid_request_error" if status < 500 else "server_error"
    type_, code, message = _STATUS_ERRORS.get(
        status, (default, None, f"The request failed with status {status}.")
    )
    return error(status, message.format(model=model), type_, None, code)


def _part(part: Any, role: str, where: str, message: int) -> str | Part | Reply:
    """A content part: its text, or an image or file part, or OpenAI's 400 for a bad one."""
    allowed = _ASSISTANT_PARTS if role == "assistant" else _USER_PARTS
    if not isinstance(part, dict) or part.get("type") not in allowed:
        got = part.get("type") if isinstance(part, dict) else type(part).__name__
        choices = ", ".join(f"'{a}'" for a in allowed)
        return invalid(
            f"Invalid value: '{got}'. Supported values are: {choices}.",
            f"{where}.type",
            "invalid_value",
        )
    if part["type"] == "input_image":
        return openai_parts.image(part, where, message, invalid)
    if part["type"] == "input_file":
        return openai_parts.file(part, where, message, invalid)
    text = part.get("text", part.get("refusal", ""))
    return text if isinstance(text, str) else ""


def _messages(items: list[Any], parts: list[Part]) -> list[tuple[str, str]] | Reply:
    """(role, last text) for each message item; other item kinds are accepted and skipped."""
    out: list[tuple[str, str]] = []
    for i, item in enumerate(items):
        where = f"input[{i}]"
        if not isinstance(item, dict):
            return invalid(
                f"Invalid type for '{where}': expected an object.", where, "invalid_type"
            )
        if item.get("type", "message") != "message":
            continue
        role = item.get("role")
        if role not in _ROLES:
            return invalid(
                f"Invalid value: '{role}'. Supported values are: 'assistant', "
                "'system', 'developer', and 'user'.",
                f"{where}.role",
                "invalid_value",
            )
        body = item.get("content")
        if isinstance(body, str):
            parts.append(text_part(i, body))
            out.append((role, body))
            continue
        if not isinstance(body, list):
            return invalid(
                f"Invalid type for '{where}.content': expected one of a string or "
                "array of input items.",
                f"{where}.content",
                "invalid_type",
            )
        texts = []
        for j, part in enumerate(body):
            found = _part(part, role, f"{where}.content[{j}]", i)
            if isinstance(found, Reply):
                return found
            if isinstance(found, Part):
                parts.append(found)
            else:
                parts.append(text_part(i, found))
                texts.append(found)
        out.append((role, texts[-1] if texts else ""))
    return out


def parse(req: RawRequest) -> Parsed | Reply:
    """Validate a `POST /v1/responses` request as OpenAI does."""
    auth = req.headers.get("authorization", "")
    if not auth.startswith("Bearer ") or not auth[7:].strip():
        return error(401, _MISSING_KEY, "invalid_request_error")
    data, problem = load_json(req.body)
    if problem is not None:
        return invalid(_BAD_JSON)
    if not isinstance(data, dict):
        return invalid("Invalid type for body: expected an object.", None, "invalid_type")
    for name in ("model", "input"):
        if name not in data:
            return invalid(
                f"Missing required parameter: '{name}'.", name, "missing_required_parameter"
            )
    model, raw_input = data["model"], data["input"]
    if not isinstance(model, str) or not model:
        return invalid("Invalid type for 'model': expected a string.", "model", "invalid_type")
    parts: list[Part] = []
    if isinstance(raw_input, str):
        messages: list[tuple[str, str]] | Reply = [("user", raw_input)]
        parts.append(text_part(0, raw_input))
    elif isinstance(raw_input, list):
        messages = _messages(raw_input, parts)
    else:
        return invalid(
            "Invalid type for 'input': expected one of a string or array of input items.",
            "input",
            "invalid_type",
        )
    if isinstance(messages, Reply):
        return messages
    instructions = data.get("instructions")
    if instructions is not None and not isinstance(instructions, str):
        return invalid(
            "Invalid type for 'instructions': expected a string.", "instructions", "invalid_type"
        )
    limit = data.get("max_output_tokens")
    if limit is not None and not is_int(limit):
        return invalid(
            "Invalid type for 'max_output_tokens': expected an integer.",
            "max_output_tokens",
            "invalid_type",
        )
    if limit is not None and limit < 16:
        return invalid(
            "Invalid 'max_output_tokens': integer below minimum value. Expected a value "
            f">= 16, but got {limit} instead.",
            "max_output_tokens",
            "integer_below_min_value",
        )
    refused = _reasoning(data.get("reasoning"))
    if refused is not None:
        return refused
    if data.get("stream") is not True:
        return invalid(
            "This gateway answers streaming requests only: set 'stream' to true.",
            "stream",
            "invalid_value",
        )
    prompt = next((text for role, text in reversed(messages) if role == "user"), "")
    tokens = count_tokens(instructions or "", *texts(parts))
    system = "\n".join(
        [instructions or "", *(text for role, text in messages if role in ("system", "developer"))]
    )
    return Parsed(
        model,
        prompt,
        tokens,
        limit,
        {"instructions": instructions},
        system=system,
        parts=tuple(parts),
    )


_EFFORTS = ("none", "minimal", "low", "medium", "high", "xhigh", "max")


def _reasoning(value: Any) -> Reply | None:
    """`reasoning` must be an object whose `effort`, if any, is a level the API knows."""
    if value is None:
        return None
    if not isinstance(value, dict):
        return invalid(
            "Invalid type for 'reasoning': expected an object.", "reasoning", "invalid_type"
        )
    effort = value.get("effort")
    if effort is not None and effort not in _EFFORTS:
        shown = ", ".join(f"'{e}'" for e in _EFFORTS[:-1]) + f", and '{_EFFORTS[-1]}'"
        return invalid(
            f"Invalid value: '{effort}'. Supported values are: {shown}.",
            "reasoning.effort",
            "invalid_value",
        )
    return None
