"""Small helpers the three protocol adapters share.

Every value an adapter takes from an event goes through one of these, so a field of the wrong
type (a number where text belongs, null where an object belongs), a lone surrogate or a huge
number is dropped or cleaned here instead of reaching the answer, the store or a terminal.
"""

from __future__ import annotations

from typing import Any

from tikhub_tui.core.body import Inline
from tikhub_tui.core.model import Attachment, Conversation, ErrorEvent, Message
from tikhub_tui.core.untrusted import JSONRefused, parse_json, valid_utf8

JSON_HEADERS = {"content-type": "application/json", "accept": "text/event-stream"}
MAX_EVENT_CHARS = 1 << 30
"""The decoders' own bound; the stream reader enforces the configured, smaller one."""
LARGEST_COUNT = 1 << 53
"""Token counts above this are not counts (and would not fit a SQLite integer)."""


def load_event(event: str, data: str) -> dict[str, Any] | ErrorEvent | None:
    """The JSON object of an event; None for an empty or `[DONE]` payload; ErrorEvent if garbled
    (not JSON, nested too deep), never an exception."""
    if not data or data == "[DONE]":
        return None
    try:
        value = parse_json(data, max_chars=MAX_EVENT_CHARS, what="the event")
    except JSONRefused as refused:
        shown = data if len(data) <= 80 else data[:77] + "..."
        name = f"a {event[:40]!r} event" if event else "an event"
        return ErrorEvent(
            f"the server sent {name} that is not usable JSON ({refused}): {shown!r}",
            code="malformed_event",
        )
    if not isinstance(value, dict):
        return ErrorEvent(
            f"the server sent an event that is not a JSON object: {data[:80]!r}",
            code="malformed_event",
        )
    return value


def sendable(conversation: Conversation) -> list[Message]:
    """The turns worth sending: empty turns (a failed or cancelled answer) are left out."""
    return [m for m in conversation.messages if m.text.strip() or m.attachments]


def encoded(attachment: Attachment) -> Inline:
    """The attachment's bytes in base64, as every protocol carries binary data in JSON (made
    while the request is written: `core.body`)."""
    return Inline(attachment.data)


def data_url(attachment: Attachment) -> Inline:
    """A `data:` URL of the attachment (OpenAI's image and file parts take these)."""
    return Inline(attachment.data, f"data:{attachment.media_type};base64,")


def as_int(value: Any) -> int | None:
    """A token count: a whole number from 0 up, else None (not reported)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < LARGEST_COUNT:
        return value
    return None


def as_text(value: Any) -> str:
    """Text of the answer: a string (lone surrogates replaced), anything else is no text."""
    return valid_utf8(value) if isinstance(value, str) else ""


def as_label(value: Any) -> str:
    """A short word from the provider (a code, a reason): a string or a number, at most 80
    characters; anything else says nothing."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return ""
    return valid_utf8(str(value))[:80]


def error_message(obj: Any, fallback: str) -> tuple[str, str]:
    """(message, code) from any of the error shapes the providers use."""
    if isinstance(obj, dict):
        message = as_text(obj.get("message"))
        code = as_label(obj.get("code")) or as_label(obj.get("type"))
        code = code or as_label(obj.get("status"))
        if message:
            return message, code
    return fallback, ""


def join_url(base_url: str, path: str) -> str:
    """Join a protocol path onto a base URL that may carry a path prefix and a trailing slash."""
    return base_url.rstrip("/") + "/" + path.lstrip("/")
