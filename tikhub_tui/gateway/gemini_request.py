"""Gemini streamGenerateContent requests: validation with Google's own error bodies.

Google pretty-prints its error bodies and names the failing field; the gateway does the same so a
client bug (a wrong role, missing contents) fails here with the message Google would give.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from tikhub_tui.gateway.parts import Part, decode, texts
from tikhub_tui.gateway.parts import text as text_part
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
REQUEST_LIMIT = 100 * 1024 * 1024
"""Google's limit on a request payload (100 MB of inline data)."""
_MEDIA_PREFIXES = ("image/", "audio/", "video/", "text/")
_MEDIA_TYPES = ("application/pdf", "application/json", "application/x-javascript")
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


def _parts_text(
    content: Any, where: str, message: int = -1, parts: list[Part] | None = None
) -> str | Reply:
    """The last text part of a content (where a prompt's directives are); `inline_data` parts
    are decoded, checked and kept in `parts`."""
    if not isinstance(content, dict) or not isinstance(content.get("parts"), list):
        return invalid(
            f"* GenerateContentRequest.{where}.parts: contents.parts must not be empty.\n"
        )
    kept = [] if parts is None else parts
    texts = []
    for j, part in enumerate(content["parts"]):
        if not isinstance(part, dict):
            return invalid(
                f"Invalid JSON payload received. Unknown name at '{where}.parts': "
                "Proto field is not repeating, cannot start list."
            )
        inline = part.get("inline_data", part.get("inlineData"))
        if inline is not None:
            found = _inline(inline, f"{where}.parts[{j}].inline_data", message)
            if isinstance(found, Reply):
                return found
            kept.append(found)
            continue
        text = part.get("text")
        if isinstance(text, str) and not part.get("thought"):
            texts.append(text)
            kept.append(text_part(message, text))
    return texts[-1] if texts else ""


def _inline(inline: Any, where: str, message: int) -> Part | Reply:
    """An `inline_data` blob (either spelling of its fields), decoded as Google decodes bytes."""
    if not isinstance(inline, dict):
        return invalid(f"Invalid JSON payload received. Unknown name at '{where}'.")
    media_type = inline.get("mime_type", inline.get("mimeType"))
    data = inline.get("data")
    if not isinstance(media_type, str) or not media_type:
        return invalid(f"* GenerateContentRequest.{where}.mime_type: mime_type is not specified\n")
    if not isinstance(data, str) or not data:
        return invalid(f"* GenerateContentRequest.{where}.data: data is not specified\n")
    raw = decode(data) or decode(data.replace("-", "+").replace("_", "/") + "=" * (-len(data) % 4))
    if raw is None:
        shown = data if len(data) <= 20 else data[:20] + "..."
        return invalid(
            f"Invalid value at '{where}.data' (TYPE_BYTES), Base64 decoding failed for \"{shown}\""
        )
    if not media_type.startswith(_MEDIA_PREFIXES) and media_type not in _MEDIA_TYPES:
        return invalid(f"Unsupported MIME type: {media_type}")
    kind = "image" if media_type.startswith("image/") else "file"
    return Part(message, kind, media_type, raw)


PATH = re.compile(r"/v1(?:beta|alpha)?/models/([^/:]+):(\w+)$")
"""Gemini's model method paths; only `streamGenerateContent` is answered, with `alt=sse`."""


def parse(req: RawRequest) -> Parsed | Reply:
    """Validate a `:streamGenerateContent?alt=sse` request as Google does."""
    found = PATH.search(req.path)
    model = unquote(found.group(1)) if found else ""
    key = req.headers.get("x-goog-api-key", "") or req.query.get("key", "")
    if not key.strip():
        return error(401, "UNAUTHENTICATED", _MISSING_KEY)
    if len(req.body) > REQUEST_LIMIT:  # checked before parsing, as Google does
        return invalid(f"Request payload size exceeds the limit: {REQUEST_LIMIT} bytes.")
    data, problem = load_json(req.body)
    if problem is not None:
        return invalid(f"Invalid JSON payload received. {problem}.")
    if not isinstance(data, dict):
        return invalid("Invalid JSON payload received. Expected an object.")
    contents = data.get("contents")
    if not isinstance(contents, list) or not contents:
        return invalid("* GenerateContentRequest.contents: contents is not specified\n")
    turns: list[tuple[str, str]] = []
    parts: list[Part] = []
    for i, content in enumerate(contents):
        role = content.get("role", "user") if isinstance(content, dict) else None
        if role not in ("user", "model"):
            return invalid("Please use a valid role: user, model.")
        text = _parts_text(content, f"contents[{i}]", i, parts)
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
    tokens = count_tokens(system, *texts(parts))
    return Parsed(model, prompt, tokens, limit, system=system, parts=tuple(parts))
