"""Sessions in and out of the store: the JSON export shape (which imports back), and Markdown.

The JSON shape is what scripts rely on, so it lives in one place and is validated field by
field on import: a bad file is refused with the field named, never half imported. It holds
the whole tree: every message with its `id` and `parent` (parents first), and the `leaf` of
the active branch, so an edited or regenerated conversation comes back with every branch.
Fields are only ever added (an importer ignores what it does not know); `version` changes only
when an older reader would misread a file.
"""

from __future__ import annotations

import math
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
from tikhub_tui.core.store.transfer_files import FileTable, listing
from tikhub_tui.core.store.tree import Tree

FORMAT = "tikhub-tui.session"
FORMAT_VERSION = 2
"""1: the active branch only; 2: the whole tree (`id`, `parent`, `leaf`, `origin`)."""
LARGEST_NUMBER = 1 << 53
"""Counts and seconds above this are not real (and a bigger integer does not fit SQLite)."""


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


def to_json(session: Session, messages: list[StoredMessage], origin: str | None) -> dict[str, Any]:
    """The export shape: session fields and every message (parents first), times in ISO 8601
    UTC; `leaf` names the last message of the active branch, `origin` the session an
    imported one came from."""
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "id": session.id,
        "origin": origin,
        "title": session.title,
        "system": session.system,
        "created_at": to_iso(session.created_at),
        "updated_at": to_iso(session.updated_at),
        "leaf": session.leaf_id,
        "messages": [
            {
                "id": m.id,
                "parent": m.parent_id,
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
                "attachments": listing(m),
            }
            for m in messages
        ],
    }


@dataclass(frozen=True, slots=True)
class ImportedSession:
    """Validated import data: session fields, and message column values with their parent
    (an index into `rows`, always an earlier one) in file order."""

    title: str
    system: str
    created_at: str
    updated_at: str
    rows: list[dict[str, Any]]
    parents: list[int | None]
    leaf: int | None
    """Index of the active branch's last message (None when there are no messages)."""
    origin: str
    """What identifies the session the file came from: its `origin`, else its `id`, else a
    digest of the content (a file without ids imported twice is still the same file)."""


def _shown(value: object) -> str:
    """A value from the file, for a message: its start only (it may be huge)."""
    if isinstance(value, dict | list):
        return f"a JSON {'object' if isinstance(value, dict) else 'list'}"
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


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
    if wrong_kind or not (0 <= value < LARGEST_NUMBER and math.isfinite(value)):
        kind = "a whole number" if whole else "a number"
        raise InvalidSessionData(f"{where}.{key} must be {kind} >= 0 or null, not {_shown(value)}")
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
    except (ValueError, OverflowError):
        raise InvalidSessionData(
            f"{where}.{key} is not an ISO 8601 time: {_shown(value)}"
        ) from None


def _reference(value: object, where: str) -> int | str:
    """A message id in a file: a whole number or a non-empty string."""
    if isinstance(value, bool) or not isinstance(value, int | str) or value == "":
        raise InvalidSessionData(f"{where} must be a whole number or a string, not {_shown(value)}")
    return value


def _row(message: dict[str, Any], where: str, now: str, files: FileTable) -> dict[str, Any]:
    role = message.get("role")
    if role not in ("user", "assistant"):
        raise InvalidSessionData(f"{where}.role must be 'user' or 'assistant', not {_shown(role)}")
    status = message.get("status") or "complete"
    if status not in STATUSES:
        raise InvalidSessionData(f"{where}.status must be one of {', '.join(STATUSES)}")
    if role == "assistant" and message.get("attachments"):
        raise InvalidSessionData(f"{where}.attachments: only prompts (role user) carry files")
    usage = message.get("usage")
    usage = {} if usage is None else usage
    if not isinstance(usage, dict):
        raise InvalidSessionData(f"{where}.usage must be an object")
    return {
        "role": role,
        "text": _text(message, "text", where),
        "reasoning": _text(message, "reasoning", where),
        "model": _text(message, "model", where),
        "provider": _text(message, "provider", where),
        "input_tokens": _number(usage, "input_tokens", where + ".usage", whole=True),
        "output_tokens": _number(usage, "output_tokens", where + ".usage", whole=True),
        **{key: _number(usage, key, where + ".usage", whole=True) for key in USAGE_COLUMNS[2:5]},
        "usage_estimated": int(usage.get("estimated") is True),
        "max_tokens": _number(message, "max_tokens", where, whole=True),
        "max_tokens_source": _source(message, where),
        "ttft": _number(message, "ttft", where),
        "duration": _number(message, "duration", where),
        "finish_reason": _text(message, "finish_reason", where),
        "status": status,
        "error": _text(message, "error", where),
        "created_at": _time(message, "created_at", where, now),
        "attachments": files.imported(message, where),
    }


def from_json(data: object, now: str) -> ImportedSession:
    """Validate export data (version 1 or 2); missing optional fields get defaults, times
    default to `now`. A message without `parent` follows the one before it (as in version
    1, which held one branch); `"parent": null` starts a new root."""
    if not isinstance(data, dict):
        raise InvalidSessionData("a session export must be a JSON object")
    if data.get("format", FORMAT) != FORMAT:
        raise InvalidSessionData(f"format is {_shown(data.get('format'))}, expected {FORMAT!r}")
    messages = data.get("messages")
    if not isinstance(messages, list):
        raise InvalidSessionData("messages must be a list")
    rows: list[dict[str, Any]] = []
    files = FileTable(data.get("files"))
    parents: list[int | None] = []
    index_of: dict[int | str, int] = {}
    for index, message in enumerate(messages):
        where = f"messages[{index}]"
        if not isinstance(message, dict):
            raise InvalidSessionData(f"{where} must be an object")
        rows.append(_row(message, where, now, files))
        if "parent" not in message:
            parents.append(index - 1 if index else None)
        elif message["parent"] is None:
            parents.append(None)
        else:
            parent = _reference(message["parent"], f"{where}.parent")
            if parent not in index_of:
                raise InvalidSessionData(
                    f"{where}.parent is {_shown(parent)}, "
                    "which is not the id of a message before it"
                )
            parents.append(index_of[parent])
        if message.get("id") is not None:
            own = _reference(message["id"], f"{where}.id")
            if own in index_of:
                raise InvalidSessionData(f"{where}.id {_shown(own)} is used twice")
            index_of[own] = index
    leaf: int | None = len(rows) - 1 if rows else None
    if data.get("leaf") is not None:
        wanted = _reference(data["leaf"], "session.leaf")
        if wanted not in index_of:
            raise InvalidSessionData(f"leaf is {_shown(wanted)}, which is not the id of a message")
        leaf = index_of[wanted]
    title, system = _text(data, "title", "session"), _text(data, "system", "session")
    created = _time(data, "created_at", "session", now)
    newest = max([created, *(row["created_at"] for row in rows)])
    origin = _text(data, "origin", "session")
    if not origin and data.get("id") not in (None, ""):
        origin = str(_reference(data["id"], "session.id"))
    if not origin:  # the file's own content, before any default was filled in
        import hashlib
        import json

        digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode("utf-8", "surrogatepass"))
        origin = "sha256:" + digest.hexdigest()[:32]
    return ImportedSession(
        title,
        system,
        created,
        _time(data, "updated_at", "session", newest),
        rows,
        parents,
        leaf,
        origin,
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


def to_markdown(session: Session, messages: list[StoredMessage], tree: Tree) -> str:
    """A readable document: title, system prompt, then each turn of the active branch with its
    model and metrics; it says how many other branches there are and where they part."""
    stamp = "%Y-%m-%d %H:%M UTC"
    lines = [f"# {session.title or 'Untitled session'}", ""]
    others = tree.other_branches(session.leaf_id)
    count = f"{len(messages)} message{'' if len(messages) == 1 else 's'}"
    if others:
        branches = f"{others} other branch{'' if others == 1 else 'es'}"
        count += (
            f" on the branch shown; {branches} (`tikhub-tui sessions show {session.id} "
            "--tree` lists them, the JSON export holds them all)"
        )
    lines += [
        f"*Session {session.id}, started {session.created_at.strftime(stamp)}, {count}.*",
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
        number, alternatives = tree.position(message)
        if alternatives > 1:
            who += f" · {number}/{alternatives}"
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
