"""Writes one SSE response on a socket: chunked framing, deadline pacing, fault injection, stats.

Pacing follows a fixed schedule (token i is due at start + i/tps), so a slow write never makes
the stream drift; at full speed writes are batched so a 20,000-token answer leaves in milliseconds.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass, field

from tikhub_tui.gateway.plan import Plan
from tikhub_tui.gateway.wire import Encoder, Ending

BATCH = 16 * 1024
"""Bytes gathered before a network write when the stream is not waiting for its schedule."""


class StreamAborted(Exception):
    """The gateway is stopping or the client went away: the stream ends here, unfinished."""


@dataclass(slots=True)
class StreamStats:
    """Timings (time.monotonic) and sizes of one streamed response, for `/_bench/stats`."""

    path: str
    t_recv: float
    t_first_byte: float = 0.0
    t_last_byte: float = 0.0
    events: int = 0
    """Tokens (text or reasoning deltas) sent."""
    bytes: int = 0
    """Body bytes sent, without the chunked framing."""
    sent: list[str] = field(default_factory=list)
    """The answer pieces sent, for `/_bench/text`."""


class ChunkedWriter:
    """HTTP/1.1 chunked body writer; with `piece` set, every network write is at most that big."""

    def __init__(
        self, sock: socket.socket, stop: threading.Event, stats: StreamStats, piece: int | None
    ) -> None:
        self.sock = sock
        self.stop = stop
        self.stats = stats
        self.piece = piece
        self.buffer = bytearray()
        self.framed = True
        """Chunked framing; HTTP/1.0 clients get a body delimited by closing the connection."""

    def _send(self, data: bytes) -> None:
        if self.stop.is_set():
            raise StreamAborted
        try:
            self.sock.sendall(data)
        except OSError as exc:
            raise StreamAborted from exc
        self.stats.t_last_byte = time.monotonic()

    def head(self, data: bytes) -> None:
        """Send the status line and headers in one write."""
        self._send(data)
        self.stats.t_first_byte = self.stats.t_last_byte

    def write(self, data: bytes) -> None:
        self.buffer += data
        self.stats.bytes += len(data)
        if len(self.buffer) >= BATCH:
            self.flush(whole_pieces_only=True)

    def flush(self, whole_pieces_only: bool = False) -> None:
        """Send what is buffered, one HTTP chunk per network write."""
        data = self.buffer
        if not data:
            return
        size = self.piece or len(data)
        end = len(data) - len(data) % size if whole_pieces_only else len(data)
        for start in range(0, end, size):
            part = bytes(data[start : min(start + size, end)])
            self._send(b"%x\r\n%s\r\n" % (len(part), part) if self.framed else part)
        del data[:end]

    def end(self) -> None:
        """Flush and send the terminating zero-length chunk."""
        self.flush()
        if self.framed:
            self._send(b"0\r\n\r\n")

    def drop(self) -> None:
        """Flush and close the connection without the terminating chunk."""
        self.flush()
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)


def play(plan: Plan, encoder: Encoder, writer: ChunkedWriter) -> None:
    """Send a whole planned stream through `writer`, paced by the plan's tokens per second."""
    writer.write(encoder.begin())
    writer.flush()
    start = time.monotonic()
    interval = 1.0 / plan.tps if plan.tps > 0 else 0.0
    last_index = len(plan.tokens) - 1
    for i, (reasoning, text) in enumerate(plan.tokens):
        if interval:
            delay = start + i * interval - time.monotonic()
            if delay > 0:
                writer.flush()
                if writer.stop.wait(delay):
                    raise StreamAborted
        ending: Ending | None = None
        if i == last_index and plan.outcome in ("stop", "max_tokens"):
            ending = "stop" if plan.outcome == "stop" else "max_tokens"
        writer.write(encoder.delta(reasoning, text, ending))
        writer.stats.events += 1
        if not reasoning:
            writer.stats.sent.append(text)
        if i == 0:
            writer.flush()
    if plan.outcome == "drop":
        writer.drop()
    elif plan.outcome == "fail":
        writer.write(encoder.fail())
        writer.end()
    else:
        writer.write(encoder.finish("stop" if plan.outcome == "stop" else "max_tokens"))
        writer.end()
