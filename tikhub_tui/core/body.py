"""A request's JSON body with its files encoded as it is sent, never held whole in memory.

An attachment travels in JSON as base64 text. Building that text, a `str` of it and then the
joined body would copy a 10 MB PDF three times (13 MB each) before the first byte leaves;
instead the body is a sequence of pieces, the JSON around the files and each file's base64
made a megabyte at a time while the request is written, with its length known in advance.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

CHUNK = 3 * 256 * 1024
"""Raw bytes encoded at a time: a multiple of 3, so the pieces join into one base64 text."""
_PLACEHOLDER = re.compile(r'"\\u0000(\d+)\\u0000"')
_PLAIN_HEAD = re.compile(r"[A-Za-z0-9.+/;=:,_-]*")
"""A head JSON carries as it is (a media type from outside could hold a quote)."""


class Inline:
    """Binary data carried in a JSON body as base64 text after `head` (a `data:` URL's start,
    or nothing). Encoded only when the body is written (`pieces`) or read as JSON (`text`)."""

    __slots__ = ("data", "head")

    def __init__(self, data: bytes, head: str = "") -> None:
        self.data = data
        self.head = head

    @property
    def size(self) -> int:
        """Bytes of the text: the head and the base64."""
        return len(self.head.encode()) + 4 * ((len(self.data) + 2) // 3)

    def text(self) -> str:
        import base64

        return self.head + base64.b64encode(self.data).decode("ascii")

    def pieces(self) -> Iterator[bytes]:
        import binascii

        if self.head:
            yield self.head.encode()
        view = memoryview(self.data)
        for start in range(0, len(view), CHUNK):
            yield binascii.b2a_base64(view[start : start + CHUNK], newline=False)

    def __repr__(self) -> str:
        return f"Inline({self.head!r}, {len(self.data)} bytes)"


class Body:
    """A request body as pieces (`bytes` and `Inline`), iterable again for each attempt; its
    `length` is the Content-Length, so nothing is sent chunked."""

    __slots__ = ("length", "parts")

    def __init__(self, parts: list[bytes | Inline]) -> None:
        self.parts = parts
        self.length = sum(len(p) if isinstance(p, bytes) else p.size for p in parts)

    def __iter__(self) -> Iterator[bytes]:
        for part in self.parts:
            if isinstance(part, bytes):
                yield part
            else:
                yield from part.pieces()

    def __bytes__(self) -> bytes:
        return b"".join(self)


def plain(value: Any) -> Any:
    """The JSON data with base64 text in place of each Inline (for reading, not sending)."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value.text() if isinstance(value, Inline) else value


def body(payload: dict[str, Any]) -> Body:
    """The body of a JSON payload whose values may hold Inline data (compact, UTF-8)."""
    import json

    kept: list[Inline] = []

    def swap(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: swap(item) for key, item in value.items()}
        if isinstance(value, list):
            return [swap(item) for item in value]
        if isinstance(value, Inline):
            if not _PLAIN_HEAD.fullmatch(value.head):
                return value.text()  # json escapes it
            kept.append(value)
            return f"\0{len(kept) - 1}\0"
        return value

    text = json.dumps(swap(payload), ensure_ascii=False, separators=(",", ":"))
    pieces = _PLACEHOLDER.split(text)
    if pieces[1::2] != [str(n) for n in range(len(kept))]:  # a prompt mimics a placeholder
        whole = json.dumps(plain(payload), ensure_ascii=False, separators=(",", ":"))
        return Body([whole.encode()])
    parts: list[bytes | Inline] = [pieces[0].encode()]
    for number, after in zip(pieces[1::2], pieces[2::2], strict=True):
        parts += [b'"', kept[int(number)], b'"' + after.encode()]
    return Body(parts)
