"""How attachments read as text: a text file fenced with its name, and sizes for messages.

Kept apart from sniffing and loading (which need hashlib) so that building a request imports
only what it uses.
"""

from __future__ import annotations

import re
from typing import Protocol

from tikhub_tui.core.model import Attachment


class Described(Protocol):
    """What a listing shows of an attachment (an Attachment or a stored one)."""

    @property
    def name(self) -> str: ...
    @property
    def media_type(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def width(self) -> int | None: ...
    @property
    def height(self) -> int | None: ...
    @property
    def pages(self) -> int | None: ...


_BACKTICKS = re.compile("`+")


def human_size(size: int) -> str:
    """1,234,567 bytes as "1.2 MB" (decimal units, as the providers state their limits)."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def text_block(attachment: Attachment) -> str:
    """A text attachment as every model reads it: its name, then its text in a fence longer
    than any run of backticks inside, so the file cannot close the fence early."""
    text = attachment.data.decode("utf-8").removeprefix("\ufeff")
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    suffix = attachment.name.rsplit(".", 1)[-1] if "." in attachment.name else ""
    language = suffix if suffix.isascii() and suffix.isalnum() else ""
    body = text if text.endswith("\n") else text + "\n"
    return f"File: {attachment.name}\n{fence}{language}\n{body}{fence}"


def describe(item: Described) -> str:
    """`shot.png (image/png, 12.3 KB, 640x480 px)`, `a.pdf (application/pdf, 2.0 MB, 3 pages)`:
    one line for a listing, without reading the file. The caller makes it display-safe."""
    facts = [item.media_type, human_size(item.size)]
    if item.width and item.height:
        facts.append(f"{item.width}x{item.height} px")
    if item.pages:
        facts.append(f"{item.pages} page{'s' if item.pages != 1 else ''}")
    return f"{item.name} ({', '.join(facts)})"
