"""Feed recorded SSE bytes through httpx-sse and an adapter's decoder, with no I/O."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import httpx
from httpx_sse import EventSource

from tikhub_tui.core.model import StreamEvent
from tikhub_tui.core.providers import adapter

WIRE = Path(__file__).parent / "wire"


def recorded(name: str) -> bytes:
    return (WIRE / name).read_bytes()


def decode_bytes(provider: str, raw: bytes, piece: int = 0) -> list[StreamEvent]:
    """Decode a whole recorded stream, optionally arriving in pieces of `piece` bytes."""
    chunks = [raw[i : i + piece] for i in range(0, len(raw), piece)] if piece else [raw]
    response = httpx.Response(
        200, headers={"content-type": "text/event-stream"}, content=iter(chunks)
    )
    decoder = adapter(provider).new_decoder()
    events: list[StreamEvent] = []
    for sse in EventSource(response).iter_sse():
        events.extend(decoder.decode(sse.event, sse.data))
    return events


def _lf(raw: bytes) -> bytes:
    return raw.replace(b"\r\n", b"\n")


def crlf(raw: bytes) -> bytes:
    return _lf(raw).replace(b"\n", b"\r\n")


def cr(raw: bytes) -> bytes:
    return _lf(raw).replace(b"\n", b"\r")


def with_noise(raw: bytes) -> bytes:
    """Comments, keep-alives, id/retry fields and unknown events between the real ones."""
    noise = (
        b": keep-alive\n\n"
        b"event: vendor.unknown_event\ndata: {\"type\":\"vendor.unknown_event\",\"x\":1}\n\n"
        b": ping\n"
    )
    blocks = _lf(raw).split(b"\n\n")
    out = [noise]
    for i, block in enumerate(blocks):
        if block:
            out.append(b"id: %d\nretry: 3000\n" % i + block + b"\n\n")
    return b"".join(out)


def split_data_lines(raw: bytes) -> bytes:
    """Every JSON payload split over several `data:` lines (joined with newlines on receipt)."""

    def split(match: re.Match[bytes]) -> bytes:
        payload = match.group(1)
        return b"data: " + payload.replace(b',"', b',\ndata: "', 2)

    return re.sub(rb"data: (\{.*)", split, _lf(raw))


def with_done(raw: bytes) -> bytes:
    return _lf(raw) + b"data: [DONE]\n\n"


def without_done(raw: bytes) -> bytes:
    return _lf(raw).replace(b"data: [DONE]\n\n", b"")


VARIANTS: dict[str, Callable[[bytes], bytes]] = {
    "as-recorded": lambda raw: raw,
    "crlf": crlf,
    "cr": cr,
    "noise": with_noise,
    "split-data": split_data_lines,
    "done": with_done,
    "no-done": without_done,
}
