"""Gemini streamGenerateContent requests: validation with Google's own error bodies.

Google pretty-prints its error bodies and names the failing field; the gateway does the same so a
client bug (a wrong role, missing contents) fails here with the message Google would give.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from tikhub_tui.gateway.wire import (
    RETRY_HEADERS,
    Parsed,
    RawRequest,
    Reply,
    count_tokens,
    is_int,
    json_reply,
    load_json,
)

_MISSING_KEY = (
    "Request is missing required authentication credential. Expected OAuth 2 access token, login "
    "cookie or other valid authentication credential. See "
    "https://developers.google.com/identity/sign-in/web/devconsole-project."
)
STATUS_ERRORS: dict[int, tuple[str, str]] = {
    400: ("INVALID_ARGUMENT", "Request contains an invalid argument."),
    401: ("UNAUTHENTICATED", _MISSING_KEY),
    403: ("PERMISSION_DENIED", "The caller does not have permission"),
    404: (
        "NOT_FOUND",
        "models/{model} is not found for API version v1beta, or is not supported "
        "for generateContent. Call ListModels to see the list of available models and their "
        "supported methods.",
    ),
    429: ("RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."),
    500: (
        "INTERNAL",
        "An internal error has occurred. Please retry or report in "
        "https://developers.generativeai.google/guide/troubleshooting",
    ),
    502: ("UNAVAILABLE", "Bad gateway."),
    503: ("UNAVAILABLE", "The model is overloaded. Please try again later."),
    504: ("DEADLINE_EXCEEDED", "Deadline expired before operation could complete."),
}
HEADERS = [
    ("Vary", "Origin"),
    ("Vary", "X-Origin"),
    ("Vary", "Referer"),
    ("Server", "scaffolding on HTTPServer2"),
    ("X-XSS-Protection", "0"),
    ("X-Frame-Options", "SAMEORIGIN"),
    ("X-Content-Type-Options", "nosniff"),
]


def error(status: int, google_status: str, message: str) -> Reply:
    """Google's error body: `{"error": {code, message, status}}`, pretty-printed."""
    body = {"error": {"code": status, "message": message, "status": google_status}}
    return json_reply(status, body, HEADERS + (RETRY_HEADERS if status == 429 else []), indent=True)


def invalid(message: str) -> Reply:
    """A 400 INVALID_ARGUMENT."""
    return error(400, "INVALID_ARGUMENT", message)


def status_error(status: int, model: str) -> Reply:
    """The body Google sends with `status` (the `error: STATUS` directive)."""
    default = "FAILED_PRECONDITION" if status < 500 else "INTERNAL"
    name, message = STATUS_ERRORS.get(status, (default, f"Request failed ({status})."))
    return error(status, name, message.format(model=model))


def _parts_text(content: Any, where: str) -> str | Reply:
    if not isinstance(content, dict) or not isinstance(content.get("parts"), list):
        return invalid(
            f"* GenerateContentRequest.{where}.parts: contents.parts must not be empty.\n"
        )
    texts = []
    for part in content["parts"]:
        if not isinstance(part, dict):
            return invalid(
                f"Invalid JSON payload received. Unknown name at '{where}.parts': "
                "Proto field is not repeating, cannot start list."
            )
        text = part.get("text")
        if isinstance(text, str) and not part.get("thought"):
            texts.append(text)
    return "".join(texts)


PATH = re.compile(r"/v1(?:beta|alpha)?/models/([^/:]+):(\w+)$")
"""Gemini's model method paths; only `streamGenerateContent` is answered, with `alt=sse`."""


def parse(req: RawRequest) -> Parsed | Reply:
    """Validate a `:streamGenerateContent?alt=sse` request as Google does."""
    found = PATH.search(req.path)
    model = unquote(found.group(1)) if found else ""
    key = req.headers.get("x-goog-api-key", "") or req.query.get("key", "")
    if not key.strip():
        return error(401, "UNAUTHENTICATED", _MISSING_KEY)
    data, problem = load_json(req.body)
    if problem is not None:
        return invalid(f"Invalid JSON payload received. {problem}.")
    if not isinstance(data, dict):
        return invalid("Invalid JSON payload received. Expected an object.")
    contents = data.get("contents")
    if not isinstance(contents, list) or not contents:
        return invalid("* GenerateContentRequest.contents: contents is not specified\n")
    turns: list[tuple[str, str]] = []
    for i, content in enumerate(contents):
        role = content.get("role", "user") if isinstance(content, dict) else None
        if role not in ("user", "model"):
            return invalid("Please use a valid role: user, model.")
        text = _parts_text(content, f"contents[{i}]")
        if isinstance(text, Reply):
            return text
        turns.append((role, text))
    system = ""
    if data.get("systemInstruction") is not None:
        instruction = _parts_text(data["systemInstruction"], "system_instruction")
        if isinstance(instruction, Reply):
            return instruction
        system = instruction
    config = data.get("generationConfig") or {}
    limit = config.get("maxOutputTokens") if isinstance(config, dict) else None
    if limit is not None and not is_int(limit):
        return invalid("Invalid value at 'generation_config.max_output_tokens' (TYPE_INT32)")
    thinking = config.get("thinkingConfig") if isinstance(config, dict) else None
    if thinking is not None:
        budget = thinking.get("thinkingBudget") if isinstance(thinking, dict) else None
        if not isinstance(thinking, dict) or (budget is not None and not is_int(budget)):
            return invalid(
                "Invalid value at 'generation_config.thinking_config.thinking_budget' (TYPE_INT32)"
            )
    if not found or found.group(2) != "streamGenerateContent" or req.query.get("alt") != "sse":
        return invalid(
            "This gateway answers streaming requests only: call :streamGenerateContent?alt=sse."
        )
    prompt = next((text for role, text in reversed(turns) if role == "user"), "")
    tokens = count_tokens(system, *(t for _, t in turns))
    return Parsed(model, prompt, tokens, limit, system=system)
