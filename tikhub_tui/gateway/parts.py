"""The content parts of a request: text, images and files, decoded and checked as providers do.

Each protocol module turns its own part shapes into `Part`s (base64 checked for size before it
is decoded, and decoded strictly), so the `attachments:` directive can answer with what arrived:
per part its kind, media type, byte length and SHA-256, and tests can prove bytes arrived intact.
"""

from __future__ import annotations

import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")

_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"WEBP", 8, "image/webp"),
    (b"%PDF-", 0, "application/pdf"),
)


@dataclass(frozen=True, slots=True)
class Part:
    """One content part of a request message."""

    message: int
    """Index of its message in the request (the system prompt is not counted)."""
    kind: str
    """text, image or file."""
    media_type: str
    data: bytes = field(repr=False)

    def line(self, index: int) -> str:
        digest = hashlib.sha256(self.data).hexdigest()
        media_type = "".join(self.media_type.split()) or "-"  # one line, four spaces, always
        return f"{self.message}.{index} {self.kind} {media_type} {len(self.data)} {digest}"


def text(message: int, value: str) -> Part:
    return Part(message, "text", "text/plain", value.encode("utf-8", "surrogatepass"))


def texts(parts: Sequence[Part]) -> list[str]:
    """The text parts' texts (what the gateway counts as prompt tokens)."""
    return [p.data.decode("utf-8", "replace") for p in parts if p.kind == "text"]


def sniff(data: bytes) -> str | None:
    """The media type the bytes' magic number says (images and PDF), as providers check it."""
    for magic, offset, media_type in _MAGIC:
        if data[offset : offset + len(magic)] == magic and (offset == 0 or data[:4] == b"RIFF"):
            return media_type
    return None


def decode(value: str) -> bytes | None:
    """Strict base64 (no stray characters, right padding); None when it is not. What
    `base64.b64decode(value, validate=True)` accepts, without its pass of a regular
    expression over the text (a third of the time a 10 MB file took to arrive)."""
    try:
        return binascii.a2b_base64(value, strict_mode=True)
    except (binascii.Error, ValueError):
        return None


def split_data_url(url: str) -> tuple[str, str] | None:
    """(media type, base64 payload) of a `data:TYPE;base64,DATA` URL; None for another shape."""
    head, comma, payload = url.partition(",")
    if not comma or not head.startswith("data:") or not head.endswith(";base64"):
        return None
    return head[5:-7].strip().lower(), payload


def report(parts: Sequence[Part]) -> str:
    """The `attachments:` answer: one line per part, `MESSAGE.PART KIND TYPE BYTES SHA256`."""
    lines: list[str] = []
    counters: dict[int, int] = {}
    for part in parts:
        index = counters.get(part.message, 0)
        counters[part.message] = index + 1
        lines.append(part.line(index))
    return "\n".join(lines) + "\n" if lines else "no parts\n"
