"""The gateway's HTTP server: a threaded HTTP/1.1 server on loopback, startable and stoppable.

One thread per connection keeps six concurrent streams independent; `stop()` closes every open
connection, so it returns promptly even while streams are running. Problems are logged on the
`tikhub_tui.gateway` logger (silent unless configured: the app shares its terminal), one line
each; a client that goes away early is normal and never a traceback.
"""

from __future__ import annotations

import contextlib
import ipaddress
import itertools
import logging
import socket
import socketserver
import sys
import threading
import time
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tikhub_tui.gateway.bench import BenchLog
from tikhub_tui.gateway.routes import StreamJob, route
from tikhub_tui.gateway.stream import ChunkedWriter, StreamAborted, StreamStats, play
from tikhub_tui.gateway.wire import RawRequest, Reply

MAX_BODY = 128 * 1024 * 1024
"""Largest request body read (above Gemini's 100 MB, so each protocol answers its own limit in
its own words); bigger ones get a plain 413."""

log = logging.getLogger("tikhub_tui.gateway")
log.addHandler(logging.NullHandler())  # nothing reaches the terminal unless a caller asks


def client_went_away(error: BaseException | None, stopping: bool = False) -> bool:
    """Is this the error of a connection the client closed (or the gateway, while stopping)?"""
    if isinstance(error, ConnectionError | TimeoutError):
        return True
    return stopping and isinstance(error, OSError)


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _phrase(status: int) -> str:
    """The reason phrase of a status line; statuses outside the standard list (Anthropic's
    529) get a plain one."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Overloaded" if status == 529 else "Error"


def _reason(error: BaseException | None) -> str:
    """`connection reset by peer` for an OSError, else the exception's name."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    return type(error).__name__


class _Server(ThreadingHTTPServer):
    """Tracks its connections and handler threads so that stop() can end them at once."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], gateway: Gateway) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.gateway = gateway
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.connections: set[socket.socket] = set()
        self.handlers: set[threading.Thread] = set()
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's FQDN, which can stall without DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), self.server_address[1]

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One log line per failed connection, instead of socketserver's traceback on stderr
        (which lands in the middle of the app's screen in demo mode)."""
        error = sys.exc_info()[1]
        client = ":".join(str(part) for part in client_address[:2])
        if client_went_away(error, self.stopping.is_set()):
            log.info("client %s closed the connection early (%s)", client, _reason(error))
        else:
            name = type(error).__name__
            log.error("request from %s failed: %s: %s", client, name, error, exc_info=error)

    def close_connections(self) -> None:
        with self.lock:
            connections = list(self.connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    """Reads one request at a time on a keep-alive connection and answers it."""

    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.lock:
            self.server.handlers.add(threading.current_thread())

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        with self.server.lock:
            self.server.handlers.discard(threading.current_thread())

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a demo server should not write a line per request into the user's terminal."""

    def _head(self, status: int, headers: list[tuple[str, str]]) -> bytes:
        lines = [
            f"HTTP/1.1 {status} {_phrase(status)}",
            f"Date: {formatdate(usegmt=True)}",
        ]
        lines += [f"{name}: {value}" for name, value in headers]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _reply(self, reply: Reply) -> None:
        headers = [*reply.headers, ("Content-Length", str(len(reply.body)))]
        if self.close_connection:
            headers.append(("Connection", "close"))
        self.wfile.write(self._head(reply.status, headers) + reply.body)

    def _read_body(self) -> bytes | None:
        """The request body (Content-Length or chunked), or None after replying with an error."""
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(body)
                body += self.rfile.read(size)
                self.rfile.readline()
                if len(body) > MAX_BODY:
                    break
        else:
            length = int(self.headers.get("Content-Length") or 0)
            if length <= MAX_BODY:
                return self.rfile.read(length) if length > 0 else b""
        self.close_connection = True
        self._reply(Reply(413, b"request body too large\n", [("Content-Type", "text/plain")]))
        return None

    def _dispatch(self) -> None:
        t_recv = time.monotonic()
        try:
            body = self._read_body()
        except ValueError:
            self.close_connection = True
            self._reply(
                Reply(400, b"malformed request body framing\n", [("Content-Type", "text/plain")])
            )
            return
        if body is None:
            return
        url = urlsplit(self.path)
        request = RawRequest(
            self.command,
            url.path,
            dict(parse_qsl(url.query)),
            {name.lower(): value for name, value in self.headers.items()},
            body,
        )
        gateway = self.server.gateway
        result = route(request, next(gateway._numbers), gateway.tps, gateway.bench)
        if isinstance(result, Reply):
            self._reply(result)
        else:
            self._stream(result, StreamStats(url.path, t_recv))

    def _stream(self, job: StreamJob, stats: StreamStats) -> None:
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        writer = ChunkedWriter(self.connection, self.server.stopping, stats, job.plan.chunk)
        headers = [
            *job.encoder.headers,
            ("Transfer-Encoding", "chunked"),
            ("Connection", "keep-alive"),
        ]
        if self.request_version == "HTTP/1.0":
            writer.framed = False
            self.close_connection = True
            headers = [*job.encoder.headers, ("Connection", "close")]
        try:
            writer.head(self._head(200, headers))
            play(job.plan, job.encoder, writer)
        except StreamAborted:
            self.close_connection = True
        finally:
            if job.plan.outcome == "drop":
                self.close_connection = True
            self.server.gateway.bench.add(stats)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _dispatch


class Gateway:
    """The embedded local gateway: OpenAI, Anthropic and Gemini streaming protocols on loopback.

    It is used for demo mode, tests and benchmarks; it accepts any non-empty key, which is why it
    refuses a non-loopback host unless `allow_remote` says the caller means it.
    """

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, tps: float = 60, *, allow_remote: bool = False
    ) -> None:
        if not allow_remote and not is_loopback(host):
            raise ValueError(
                f"refusing to listen on {host}: the gateway has no authentication (any key is "
                "accepted), so anyone who can reach it could use it; use a loopback host"
            )
        self.host = host
        self.port = port
        self.tps = float(tps)
        self.bench = BenchLog()
        self._numbers = itertools.count(1)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()

    @property
    def base_url(self) -> str:
        """`http://HOST:PORT` once started (the real port when 0 was asked for)."""
        if self._server is None:
            raise RuntimeError("the gateway is not started; call start() first")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> None:
        """Listen and serve in a background daemon thread; returns once the socket listens."""
        if self._server is not None:
            return
        self._server = _Server((self.host, self.port), self)
        self.port = self._server.server_address[1]
        self._stopped.clear()
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"tikhub-gateway-{self.port}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and end every open connection and stream at once."""
        server, thread = self._server, self._thread
        if server is None:
            return
        server.stopping.set()
        if thread is not None and thread.is_alive():
            server.shutdown()
        server.close_connections()
        server.server_close()
        deadline = time.monotonic() + 2.0
        with server.lock:
            handlers = list(server.handlers)
        for handler in handlers:
            handler.join(max(0.0, deadline - time.monotonic()))
        self._server = self._thread = None
        self._stopped.set()

    def serve_forever(self) -> None:
        """Start (if needed) and block until stop() or an exception such as KeyboardInterrupt."""
        self.start()
        try:
            while not self._stopped.wait(0.5):
                pass
        finally:
            self.stop()

    def __enter__(self) -> Gateway:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
