"""What can go wrong with a request, as errors that name the cause and the fix.

`ApiError.kind` decides the exit code of `ask` and the advice the app shows. Its constructor is
the one door every request failure goes through, whatever exception it came from: the message
is redacted there (an echoed API key never reaches the user, a file or the store), made valid
UTF-8 and bounded in length.
"""

from __future__ import annotations

import re
from typing import Literal

from tikhub_tui.core.secrets.redact import redact
from tikhub_tui.core.untrusted import JSONRefused, parse_json, valid_utf8

ErrorKind = Literal["auth", "rate_limit", "upstream", "ended_early", "network", "config"]

MAX_MESSAGE = 2000
"""Characters of a message kept: a server's header or body can be as long as it likes."""
_SECONDS = re.compile(r"[0-9]{1,9}")
"""A Retry-After in seconds (ASCII digits only: `str.isdigit` accepts "²")."""


def wait_advice(seconds: float | None) -> str:
    """How long to wait after a 429: the server's Retry-After when it gave one. The app and
    `ask` both build their rate-limit advice on this."""
    if seconds is None:
        return "wait a minute"
    return f"wait {seconds:.0f} s (the server's Retry-After)"


HINTS: dict[ErrorKind, str] = {
    "auth": "set TIKHUB_API_KEY or run `tikhub-tui keys set`",
    "rate_limit": f"{wait_advice(None)} and try again, or check your plan's rate limits",
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
        retry_after: float | None = None,
        code: str = "",
    ) -> None:
        message = safe_message(message)
        super().__init__(message)
        self.kind: ErrorKind = kind
        self.message = message
        self.status = status
        self.hint = safe_message(hint) or HINTS[kind]
        self.retry_after = retry_after
        """Seconds the server asked us to wait (a 429's Retry-After), when it said."""
        self.code = safe_message(code)[:80]
        """The code of an error event inside the stream, as the adapter gave it ("" if none)."""

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})"


class StreamCancelled(Exception):
    """The stream was cancelled by the user; what arrived before is kept by the caller."""


def safe_message(text: str) -> str:
    """A message fit for a person, a file or the store: every known key redacted, valid
    UTF-8, at most MAX_MESSAGE characters."""
    text = valid_utf8(redact(text))
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def retry_after_seconds(header: str, now: float) -> float | None:
    """Seconds a Retry-After header asks for (a number of seconds or an HTTP date), or None
    when it says nothing usable."""
    header = header.strip()
    if _SECONDS.fullmatch(header):
        return float(header)
    if not header or len(header) > 64:
        return None
    import email.utils

    try:
        when = email.utils.parsedate_to_datetime(header)
        return max(0.0, when.timestamp() - now)
    except (TypeError, ValueError, IndexError, OverflowError, OSError):
        return None


def body_message(body: bytes, limit: int = 300) -> str:
    """The human message inside an error body, in any of the providers' or gateways' shapes."""
    text = body.decode("utf-8", "replace").strip()
    try:
        data = parse_json(text, max_chars=1 << 20, what="the error body")
    except JSONRefused:
        data = None
    found = _find_message(data)
    if found:
        return found if len(found) <= limit else found[: limit - 3] + "..."
    if not text:
        return ""
    if text.lstrip().startswith("<"):
        return "the server answered with an HTML page"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _find_message(data: object, depth: int = 0) -> str:
    """`{"error": {"message"}}` (OpenAI, Anthropic, Gemini), `{"message"}`, `{"detail"}`...
    (looked for a few levels deep, never further)."""
    if depth > 6:
        return ""
    if isinstance(data, list) and data:
        return _find_message(data[0], depth + 1)
    if not isinstance(data, dict):
        return ""
    error = data.get("error")
    if isinstance(error, dict):
        inner = _find_message(error, depth + 1)
        if inner:
            return inner
    if isinstance(error, str) and error:
        return error
    for key in ("message", "detail", "msg", "error_description"):
        value = data.get(key)
        if isinstance(value, str) and value:
            return value
        if isinstance(value, dict | list):
            inner = _find_message(value, depth + 1)
            if inner:
                return inner
    return ""


REDIRECTS = frozenset({301, 302, 303, 307, 308})


def for_status(
    status: int,
    message: str,
    base_url: str,
    *,
    location: str = "",
    retry_after: float | None = None,
) -> ApiError:
    """The error for a non-2xx answer, with advice that fits the status (`location` is that
    header of the answer, `retry_after` the seconds its Retry-After asked for)."""
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
    if status in REDIRECTS:
        where = f" to {location}" if location else ""
        return ApiError(
            "config",
            f"the server redirected the request{where} (HTTP {status})",
            status=status,
            hint=f"set the base URL ({base_url}) to the address it redirects to, "
            "e.g. https:// instead of http://",
        )
    if status == 429:
        return ApiError(
            "rate_limit",
            f"rate limited (HTTP 429: {shown})",
            status=status,
            hint=f"{wait_advice(retry_after)} and try again, or check your plan's rate limits",
            retry_after=retry_after,
        )
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
    if status < 200 or 300 <= status < 400:
        return ApiError(
            "upstream",
            f"the server answered HTTP {status} ({shown}), which is no answer to a chat request",
            status=status,
            hint=f"check the base URL ({base_url}): it should be the gateway's root",
        )
    return ApiError("upstream", f"the server failed (HTTP {status}: {shown})", status=status)
