"""A loopback server that answers with raw bytes: framing no HTTP library would produce.

Each request is read (headers and body) and handed to `respond`, which returns what to send:
bytes are written as they are (in separate writes, so a test can split anything across
network reads), a float sleeps that many seconds. A client that goes away is normal: the
connection just ends, never a traceback.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

KEY_HEADERS = ("x-api-key", "x-goog-api-key", "authorization")


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def key(self) -> str:
        """The API key the client sent, in whichever protocol's header."""
        for name in KEY_HEADERS:
            value = self.headers.get(name, "")
            if value:
                return value.removeprefix("Bearer ").strip()
        return ""


Respond = Callable[[Request], Iterable[bytes | float]]


class RawServer:
    """Serve `respond` on 127.0.0.1 (a free port) until closed; use as a context manager."""

    def __init__(self, respond: Respond) -> None:
        self.respond = respond
        self.requests: list[Request] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._listener.getsockname()[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> RawServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._listener.close()
        for thread in self._threads:
            thread.join(timeout=5)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            thread = threading.Thread(target=self._handle, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _handle(self, conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            conn.settimeout(10)
            request = _read_request(conn)
            if request is None:
                return
            self.requests.append(request)
            for part in self.respond(request):
                if self._stop.is_set():
                    return
                if isinstance(part, float):
                    self._stop.wait(part)  # a closing test does not wait for the pause
                else:
                    conn.sendall(part)
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_WR)


def _read_request(conn: socket.socket) -> Request | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = ([*lines[0].split(" ", 2), "", ""])[:3]
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return Request(method, path, headers, body)


def http_response(
    status: int,
    body: bytes | Iterable[bytes | float],
    *,
    headers: dict[str, str] | None = None,
    reason: bytes = b"OK",
    content_type: str = "text/event-stream",
) -> list[bytes | float]:
    """A well-formed response, chunked: each body part in a write (and a chunk) of its own,
    a float in the body a pause of that many seconds."""
    parts = [body] if isinstance(body, bytes) else list(body)
    head = [b"HTTP/1.1 %d %s" % (status, reason), b"content-type: " + content_type.encode()]
    head += [f"{name}: {value}".encode() for name, value in (headers or {}).items()]
    head += [b"transfer-encoding: chunked", b"connection: close"]
    out: list[bytes | float] = [b"\r\n".join(head) + b"\r\n\r\n"]
    for part in parts:
        if isinstance(part, float):
            out.append(part)
        elif part:
            out.append(b"%x\r\n%s\r\n" % (len(part), part))
    out.append(b"0\r\n\r\n")
    return out
