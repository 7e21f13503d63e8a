"""What can go wrong with a request, as errors that name the cause and the fix.

`ApiError.kind` decides the exit code of `ask` and the advice the app shows; the message is
already redacted (an echoed API key never reaches the user).
"""

from __future__ import annotations

import json
from typing import Literal

ErrorKind = Literal["auth", "rate_limit", "upstream", "ended_early", "network", "config"]

HINTS: dict[ErrorKind, str] = {
    "auth": "set TIKHUB_API_KEY or run `tikhub-tui keys set`",
    "rate_limit": "wait a minute and try again, or check your plan's rate limits",
    "upstream": "try again; if it keeps failing, try another model",
    "ended_early": "try again; what arrived before the cut is kept",
    "network": "check the base URL and your connection",
    "config": "fix the setting named above",
}


class ApiError(Exception):
    """A request that failed: `kind` for the program, `message` and `hint` for the person."""

    def __init__(
        self,
        kind: ErrorKind,
        message: str,
        *,
        status: int | None = None,
        hint: str = "",
        code: str = "",
    ) -> None:
        super().__init__(message)
        self.kind: ErrorKind = kind
        self.message = message
        self.status = status
        self.hint = hint or HINTS[kind]
        self.code = code
        """The code of an error event inside the stream, as the adapter gave it ("" if none)."""

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})"


class StreamCancelled(Exception):
    """The stream was cancelled by the user; what arrived before is kept by the caller."""


def body_message(body: bytes, limit: int = 300) -> str:
    """The human message inside an error body, in any of the providers' or gateways' shapes."""
    text = body.decode("utf-8", "replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    found = _find_message(data)
    if found:
        return found if len(found) <= limit else found[: limit - 3] + "..."
    if not text:
        return ""
    if text.lstrip().startswith("<"):
        return "the server answered with an HTML page"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _find_message(data: object) -> str:
    """`{"error": {"message"}}` (OpenAI, Anthropic, Gemini), `{"message"}`, `{"detail"}`..."""
    if isinstance(data, list) and data:
        return _find_message(data[0])
    if not isinstance(data, dict):
        return ""
    error = data.get("error")
    if isinstance(error, dict):
        inner = _find_message(error)
        if inner:
            return inner
    if isinstance(error, str) and error:
        return error
    for key in ("message", "detail", "msg", "error_description"):
        value = data.get(key)
        if isinstance(value, str) and value:
            return value
        if isinstance(value, dict | list):
            inner = _find_message(value)
            if inner:
                return inner
    return ""


def for_status(
    status: int, message: str, base_url: str, *, location: str = "", retry_after: str = ""
) -> ApiError:
    """The error for a non-2xx answer, with advice that fits the status (`location` and
    `retry_after` are those headers of the answer, when it had them)."""
    shown = message or "no error message in the body"
    if status == 401:
        return ApiError(
            "auth", f"the gateway rejected the API key (HTTP 401: {shown})", status=status
        )
    if status == 403:
        return ApiError(
            "auth",
            f"the gateway refused access (HTTP 403: {shown})",
            status=status,
            hint="check that your key may use this model; set another with TIKHUB_API_KEY "
            "or `tikhub-tui keys set`",
        )
    if 300 <= status < 400:
        where = f" to {location}" if location else ""
        return ApiError(
            "config",
            f"the server redirected the request{where} (HTTP {status})",
            status=status,
            hint=f"set the base URL ({base_url}) to the address it redirects to, "
            "e.g. https:// instead of http://",
        )
    if status == 429:
        seconds = retry_after.strip()
        hint = ""
        if seconds.isdigit():
            hint = f"wait {seconds} s (the server's Retry-After) and try again"
        return ApiError("rate_limit", f"rate limited (HTTP 429: {shown})", status=status, hint=hint)
    if status == 404:
        return ApiError(
            "upstream",
            f"not found (HTTP 404: {shown})",
            status=status,
            hint=f"check the model name and the base URL ({base_url})",
        )
    if status in (400, 413, 422):
        return ApiError(
            "upstream",
            f"the request was refused (HTTP {status}: {shown})",
            status=status,
            hint="check the model name, max tokens and the prompt",
        )
    return ApiError("upstream", f"the server failed (HTTP {status}: {shown})", status=status)
