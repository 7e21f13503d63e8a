"""A loopback HTTP server that plays scripted replies, for the client's failure paths.

Each request takes the next `Reply` from the queue (the last one repeats) and records what was
asked, so tests can check retries, headers and bodies over a real socket. An exception in the
handler (other than the client going away) fails the test when the server's block ends,
instead of being printed among the dots.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tikhub_tui.gateway.server import client_went_away


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"content-type": "text/event-stream"})
    chunks: list[bytes] = field(default_factory=list)
    delay: float = 0.0
    """Seconds to sleep before each chunk."""
    stall: float = 0.0
    """Seconds to sleep after the last chunk before ending (a silent server)."""
    drop: bool = False
    """Close the socket after the chunks without the terminating chunk."""


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    body: Any
    at: float


class ScriptedServer:
    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)
        self.seen: list[Seen] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                raw = self.rfile.read(length)
                outer.seen.append(
                    Seen(
                        self.path,
                        {k.lower(): v for k, v in self.headers.items()},
                        json.loads(raw or b"null"),
                        time.monotonic(),
                    )
                )
                reply = outer.replies[0] if len(outer.replies) == 1 else outer.replies.pop(0)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("transfer-encoding", "chunked")
                self.end_headers()
                try:
                    for chunk in reply.chunks:
                        if reply.delay:
                            time.sleep(reply.delay)
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                        self.wfile.flush()
                    if reply.stall:
                        time.sleep(reply.stall)
                    if reply.drop:
                        self.close_connection = True
                        return
                    self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

        self.errors: list[str] = []
        """Tracebacks of handler exceptions; `__exit__` fails the test with them."""

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                if not client_went_away(sys.exc_info()[1]):
                    outer.errors.append(traceback.format_exc())

        self._server = Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self.errors:
            raise AssertionError(
                "the scripted server failed while serving this test:\n" + "\n".join(self.errors)
            )


def json_reply(status: int, body: Any, **headers: str) -> Reply:
    return Reply(
        status, {"content-type": "application/json", **headers}, [json.dumps(body).encode()]
    )


def sse_reply(*events: tuple[str, Any], **kw: Any) -> Reply:
    chunks = [
        (f"event: {name}\n" if name else "").encode()
        + b"data: "
        + json.dumps(data).encode()
        + b"\n\n"
        for name, data in events
    ]
    return Reply(chunks=chunks, **kw)


def anthropic_answer(text: str, **kw: Any) -> Reply:
    """A complete Anthropic stream answering `text` in one delta."""
    return sse_reply(
        ("message_start", {"type": "message_start", "message": {"usage": {"input_tokens": 3}}}),
        (
            "content_block_delta",
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "text_delta", "text": text},
            },
        ),
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn"},
                "usage": {"output_tokens": 1},
            },
        ),
        ("message_stop", {"type": "message_stop"}),
        **kw,
    )
