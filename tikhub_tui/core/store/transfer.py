"""Sessions in and out of the store: the JSON export shape (which imports back), and Markdown.

The JSON shape is what scripts rely on, so it lives in one place and is validated field by
field on import: a bad file is refused with the field named, never half imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tikhub_tui.core.attachments.text import describe
from tikhub_tui.core.store.records import (
    STATUSES,
    USAGE_COLUMNS,
    InvalidSessionData,
    Session,
    StoredMessage,
    from_iso,
    to_iso,
    usage_columns,
)

FORMAT = "tikhub-tui.session"
FORMAT_VERSION = 1


def row_values(message: StoredMessage) -> dict[str, Any]:
    """The message's own columns (no ids, no tree links), for copying it into another session."""
    return {
        "role": message.role,
        "text": message.text,
        "reasoning": message.reasoning,
        "model": message.model,
        "provider": message.provider,
        **usage_columns(message.usage),
        "max_tokens": message.max_tokens,
        "max_tokens_source": message.max_tokens_source,
        "ttft": message.ttft,
        "duration": message.duration,
        "finish_reason": message.finish_reason,
        "status": message.status,
        "error": message.error,
        "created_at": to_iso(message.created_at),
        "attachments": message.attachments,
    }


def to_json(session: Session, messages: list[StoredMessage]) -> dict[str, Any]:
    """The export shape: session fields and the active path, timestamps as ISO 8601 UTC."""
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "id": session.id,
        "title": session.title,
        "system": session.system,
        "created_at": to_iso(session.created_at),
        "updated_at": to_iso(session.updated_at),
        "messages": [
            {
                "role": m.role,
                "text": m.text,
                "reasoning": m.reasoning,
                "model": m.model,
                "provider": m.provider,
                "status": m.status,
                "finish_reason": m.finish_reason,
                "error": m.error,
                "usage": {
                    "input_tokens": m.usage.input_tokens,
                    "output_tokens": m.usage.output_tokens,
                    "reasoning_tokens": m.usage.reasoning_tokens,
                    "cache_read_tokens": m.usage.cache_read_tokens,
                    "cache_write_tokens": m.usage.cache_write_tokens,
                    "estimated": m.usage.estimated,
                },
                "max_tokens": m.max_tokens,
                "max_tokens_source": m.max_tokens_source,
                "ttft": m.ttft,
                "duration": m.duration,
                "created_at": to_iso(m.created_at),
            }
            for m in messages
        ],
    }


@dataclass(frozen=True, slots=True)
class ImportedSession:
    """Validated import data: session fields and message column values, oldest first."""

    title: str
    system: str
    created_at: str
    rows: list[dict[str, Any]]


def _text(obj: dict[str, Any], key: str, where: str) -> str:
    value = obj.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidSessionData(f"{where}.{key} must be a string, not {type(value).__name__}")
    return value


def _number(obj: dict[str, Any], key: str, where: str, *, whole: bool = False) -> Any:
    value = obj.get(key)
    if value is None:
        return None
    wrong_kind = isinstance(value, bool) or not isinstance(value, int if whole else (int, float))
    if wrong_kind or value < 0:
        kind = "a whole number" if whole else "a number"
        raise InvalidSessionData(f"{where}.{key} must be {kind} >= 0 or null, not {value!r}")
    return value


def _source(obj: dict[str, Any], where: str) -> str:
    value = _text(obj, "max_tokens_source", where)
    if value not in ("", "setting", "default"):
        raise InvalidSessionData(f"{where}.max_tokens_source must be 'setting' or 'default'")
    return value


def _time(obj: dict[str, Any], key: str, where: str, default: str) -> str:
    value = _text(obj, key, where)
    if not value:
        return default
    try:
        return to_iso(from_iso(value))
    except ValueError:
        raise InvalidSessionData(f"{where}.{key} is not an ISO 8601 time: {value!r}") from None


def from_json(data: object, now: str) -> ImportedSession:
    """Validate export data; missing optional fields get defaults, times default to `now`."""
    if not isinstance(data, dict):
        raise InvalidSessionData("a session export must be a JSON object")
    if data.get("format", FORMAT) != FORMAT:
        raise InvalidSessionData(f"format is {data.get('format')!r}, expected {FORMAT!r}")
    messages = data.get("messages")
    if not isinstance(messages, list):
        raise InvalidSessionData("messages must be a list")
    rows: list[dict[str, Any]] = []
    for index, message in enumerate(messages):
        where = f"messages[{index}]"
        if not isinstance(message, dict):
            raise InvalidSessionData(f"{where} must be an object")
        role = message.get("role")
        if role not in ("user", "assistant"):
            raise InvalidSessionData(f"{where}.role must be 'user' or 'assistant', not {role!r}")
        status = message.get("status") or "complete"
        if status not in STATUSES:
            raise InvalidSessionData(f"{where}.status must be one of {', '.join(STATUSES)}")
        usage = message.get("usage")
        usage = {} if usage is None else usage
        if not isinstance(usage, dict):
            raise InvalidSessionData(f"{where}.usage must be an object")
        rows.append(
            {
                "role": role,
                "text": _text(message, "text", where),
                "reasoning": _text(message, "reasoning", where),
                "model": _text(message, "model", where),
                "provider": _text(message, "provider", where),
                "input_tokens": _number(usage, "input_tokens", where + ".usage", whole=True),
                "output_tokens": _number(usage, "output_tokens", where + ".usage", whole=True),
                **{
                    key: _number(usage, key, where + ".usage", whole=True)
                    for key in USAGE_COLUMNS[2:5]
                },
                "usage_estimated": int(usage.get("estimated") is True),
                "max_tokens": _number(message, "max_tokens", where, whole=True),
                "max_tokens_source": _source(message, where),
                "ttft": _number(message, "ttft", where),
                "duration": _number(message, "duration", where),
                "finish_reason": _text(message, "finish_reason", where),
                "status": status,
                "error": _text(message, "error", where),
                "created_at": _time(message, "created_at", where, now),
            }
        )
    return ImportedSession(
        _text(data, "title", "session"),
        _text(data, "system", "session"),
        _time(data, "created_at", "session", now),
        rows,
    )


def _usage_line(message: StoredMessage) -> str:
    parts: list[str] = []
    if message.status != "complete":
        parts.append(message.status + (f": {message.error}" if message.error else ""))
    usage = message.usage
    if usage.input_tokens is not None or usage.output_tokens is not None:
        parts.append(f"{usage.input_tokens or 0} in / {usage.output_tokens or 0} out tokens")
    if message.ttft is not None:
        parts.append(f"first token {message.ttft:.2f} s")
    if message.duration is not None:
        parts.append(f"{message.duration:.1f} s")
    return " · ".join(parts)


def to_markdown(session: Session, messages: list[StoredMessage]) -> str:
    """A readable document: title, system prompt, then each turn with its model and metrics."""
    stamp = "%Y-%m-%d %H:%M UTC"
    lines = [f"# {session.title or 'Untitled session'}", ""]
    lines += [
        f"*Session {session.id}, started {session.created_at.strftime(stamp)}, "
        f"{len(messages)} messages.*",
        "",
    ]
    if session.system:
        lines += [
            "**System prompt**",
            "",
            *(f"> {line}" for line in session.system.splitlines()),
            "",
        ]
    for message in messages:
        who = "You" if message.role == "user" else "Assistant"
        if message.model:
            who += f" · {message.model}" + (f" ({message.provider})" if message.provider else "")
        lines += ["---", "", f"### {who} · {message.created_at.strftime(stamp)}", ""]
        if message.reasoning:
            lines += [
                "<details><summary>Reasoning</summary>",
                "",
                message.reasoning.rstrip(),
                "",
                "</details>",
                "",
            ]
        lines += [message.text.rstrip() or "*(no text)*", ""]
        if message.attachments:
            lines += [*(f"- attached: {describe(item)}" for item in message.attachments), ""]
        if message.role == "assistant" and (note := _usage_line(message)):
            lines += [f"*{note}*", ""]
    return "\n".join(lines).rstrip() + "\n"
