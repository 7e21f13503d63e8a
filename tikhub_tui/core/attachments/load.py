"""Reading attachments from files and from standard input, size-capped before reading.

A file is checked for size with `stat` before a byte is read, and a stream is read to at most
one byte past the cap, so `-a /dev/zero` or a huge log fails at once with the size named.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

from tikhub_tui.core.attachments import AttachmentError
from tikhub_tui.core.attachments.sniff import from_bytes
from tikhub_tui.core.attachments.text import human_size
from tikhub_tui.core.model import Attachment

MAX_BYTES = 100 * 1024 * 1024
"""The largest file read: no protocol accepts more inline in one request (Gemini's 100 MB
inline limit is the largest, see providers/gemini.py)."""


def read_path(path: str | os.PathLike[str], name: str | None = None) -> Attachment:
    """The attachment a file makes; raises AttachmentError naming the file and the fix."""
    shown = os.fspath(path)
    try:
        with open(path, "rb") as file:
            size = os.fstat(file.fileno()).st_size
            if size > MAX_BYTES:
                raise AttachmentError(_too_big(shown, size))
            data = file.read(size + 1) if size else file.read(MAX_BYTES + 1)
            if size and len(data) > size:  # still growing: read on, to the cap
                data += file.read(MAX_BYTES + 1 - len(data))
    except AttachmentError:
        raise
    except OSError as error:
        reason = error.strerror or str(error)
        raise AttachmentError(f"cannot read {shown}: {reason}") from None
    if len(data) > MAX_BYTES:  # a device or a file still growing
        raise AttachmentError(_too_big(shown, len(data)))
    return from_bytes(data, name or Path(shown).name)


def read_stream(stream: BinaryIO, name: str) -> Attachment:
    """The attachment the bytes of a stream make (`-a -` reads standard input)."""
    try:
        data = stream.read(MAX_BYTES + 1)
    except OSError as error:
        raise AttachmentError(f"cannot read {name}: {error.strerror or error}") from None
    if len(data) > MAX_BYTES:
        raise AttachmentError(_too_big(name, len(data), at_least=True))
    return from_bytes(data, name)


def _too_big(name: str, size: int, *, at_least: bool = False) -> str:
    more = "more than " if at_least else ""
    return (
        f"{name} is {more}{human_size(size)}; the most any provider accepts in one request is "
        f"{human_size(MAX_BYTES)}: attach a smaller file or a part of it"
    )
