"""Attachments in a session's JSON export: listed per message, their bytes embedded once each.

An export is one self-contained file: each message names its attachments (name, type, size,
hash) and the top-level `files` object holds every file's bytes in base64, keyed by SHA-256,
so a file attached to ten messages travels once. Importing checks every file as attaching it
would (size first, strict base64, the hash, then sniffing its bytes), so a hand-edited export
can no more smuggle in a file than the command line can.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from pathlib import Path
from typing import Any

from tikhub_tui.core.attachments import AttachmentError
from tikhub_tui.core.attachments.load import MAX_BYTES
from tikhub_tui.core.attachments.sniff import from_bytes
from tikhub_tui.core.model import Attachment
from tikhub_tui.core.store import blobs
from tikhub_tui.core.store.records import InvalidSessionData, StoredMessage

MAX_ENCODED = 4 * ((MAX_BYTES + 2) // 3)
"""The longest base64 a file may have in an export (a file larger than attaching allows)."""


def listing(message: StoredMessage) -> list[dict[str, Any]]:
    """What the export says of a message's attachments (their bytes are in `files`)."""
    return [
        {
            "name": item.name,
            "media_type": item.media_type,
            "kind": item.kind,
            "size": item.size,
            "sha256": item.sha256,
            "pages": item.pages,
            "width": item.width,
            "height": item.height,
        }
        for item in message.attachments
    ]


def files(db_path: Path, messages: list[StoredMessage]) -> dict[str, str]:
    """Every attachment's bytes in base64 by SHA-256, each once; StoreError when one is gone."""
    found: dict[str, str] = {}
    for message in messages:
        for item in message.attachments:
            if item.sha256 not in found:
                data = blobs.read(db_path, item.sha256, item.name)
                found[item.sha256] = base64.b64encode(data).decode("ascii")
    return found


MAX_PER_MESSAGE = 1000
"""More attachments than this on one message is not a real export."""


class FileTable:
    """The export's `files`, decoded and checked lazily, each file once however many messages
    name it (a hostile file naming one large file a thousand times costs one decode)."""

    def __init__(self, files: object) -> None:
        self._files = files
        self._checked: dict[tuple[str, str], Attachment] = {}

    def imported(self, message: dict[str, Any], where: str) -> tuple[Attachment, ...]:
        """The attachments a message names, rebuilt from `files` and checked as attaching
        checks them; InvalidSessionData naming the field when anything is off."""
        listed = message.get("attachments")
        if listed is None:
            return ()
        if not isinstance(listed, list):
            raise InvalidSessionData(f"{where}.attachments must be a list")
        if len(listed) > MAX_PER_MESSAGE:
            raise InvalidSessionData(f"{where} has more than {MAX_PER_MESSAGE} attachments")
        if listed and not isinstance(self._files, dict):
            raise InvalidSessionData("files must be an object of base64 file contents by SHA-256")
        table: dict[str, Any] = self._files if isinstance(self._files, dict) else {}
        out: list[Attachment] = []
        for index, entry in enumerate(listed):
            at = f"{where}.attachments[{index}]"
            if not isinstance(entry, dict):
                raise InvalidSessionData(f"{at} must be an object")
            name, digest = entry.get("name"), entry.get("sha256")
            if not isinstance(name, str) or not name:
                raise InvalidSessionData(f"{at}.name must be a non-empty string")
            if not isinstance(digest, str) or digest not in table:
                raise InvalidSessionData(f"{at}.sha256 does not name a file in `files`")
            key = (digest, name)
            if key not in self._checked:
                self._checked[key] = _file(table[digest], name, digest, at)
            out.append(self._checked[key])
        return tuple(out)


def _file(encoded: object, name: str, digest: str, where: str) -> Attachment:
    shown = f"files.{digest[:12]}…" if len(digest) > 12 else f"files.{digest}"
    if not isinstance(encoded, str):
        raise InvalidSessionData(f"{shown} must be a base64 string")
    if len(encoded) > MAX_ENCODED:  # measured before decoding
        raise InvalidSessionData(f"{shown} is larger than a file can be attached")
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidSessionData(f"{shown} is not valid base64") from None
    if hashlib.sha256(data).hexdigest() != digest:
        raise InvalidSessionData(f"{where}: the bytes in files do not match its sha256")
    try:
        return from_bytes(data, name)
    except AttachmentError as error:
        raise InvalidSessionData(f"{where}: {error}") from None
