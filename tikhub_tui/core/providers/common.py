"""Small helpers the three protocol adapters share."""

from __future__ import annotations

import base64
import json
from typing import Any

from tikhub_tui.core.model import Attachment, Base64Text, Conversation, ErrorEvent, Message

JSON_HEADERS = {"content-type": "application/json", "accept": "text/event-stream"}


def load_event(event: str, data: str) -> dict[str, Any] | ErrorEvent | None:
    """The JSON object of an event; None for an empty or `[DONE]` payload; ErrorEvent if garbled."""
    if not data or data == "[DONE]":
        return None
    try:
        value = json.loads(data)
    except ValueError:
        shown = data if len(data) <= 80 else data[:77] + "..."
        name = f"a {event!r} event" if event else "an event"
        return ErrorEvent(
            f"the server sent {name} that is not JSON: {shown!r}", code="malformed_event"
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


def encoded(attachment: Attachment) -> Base64Text:
    """The attachment's bytes in base64, as every protocol carries binary data in JSON."""
    return Base64Text.of(base64.b64encode(attachment.data))


def data_url(attachment: Attachment) -> Base64Text:
    """A `data:` URL of the attachment (OpenAI's image and file parts take these)."""
    head = f"data:{attachment.media_type};base64,".encode("ascii", "replace")
    return Base64Text.of(head + base64.b64encode(attachment.data))


def as_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def error_message(obj: Any, fallback: str) -> tuple[str, str]:
    """(message, code) from any of the error shapes the providers use."""
    if isinstance(obj, dict):
        message = obj.get("message")
        code = obj.get("code") or obj.get("type") or obj.get("status") or ""
        if isinstance(message, str) and message:
            return message, str(code)
    return fallback, ""


def join_url(base_url: str, path: str) -> str:
    """Join a protocol path onto a base URL that may carry a path prefix and a trailing slash."""
    return base_url.rstrip("/") + "/" + path.lstrip("/")
