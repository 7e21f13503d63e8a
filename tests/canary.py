"""Hostile servers for the canary suites: each echoes the API key it was sent into one place a
server can put bytes, dressed up one way or another.

A scenario is a name, what `ask` must exit with, and the server's answer built from the key the
client sent (so the canary is whatever key the client really used). Shared by the command-line
suite (tests/cli/test_canary.py) and the app's (tests/ui/test_canary_app.py).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from dataclasses import dataclass

from tests.leaks import dressed
from tests.raw_server import Request, http_response

Parts = list[bytes | float]


def sse(event: str, data: object) -> bytes:
    payload = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    return f"event: {event}\ndata: {payload}\n\n".encode()


def text_delta(text: str) -> bytes:
    return sse("content_block_delta", {"type": "content_block_delta", "delta": {"type": "text_delta", "text": text}})


def thinking(text: str) -> bytes:
    return sse(
        "content_block_delta",
        {"type": "content_block_delta", "delta": {"type": "thinking_delta", "thinking": text}},
    )


STOP = sse("message_stop", {"type": "message_stop"})


def _split(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def _raw(head: str) -> Callable[[str], Parts]:
    return lambda key: [head.replace("{key}", key).encode()]


def _error(status: int, reason: bytes, content_type: str = "application/json", **headers: str) -> Callable[[str], Parts]:
    def build(key: str) -> Parts:
        body = json.dumps({"error": {"type": "x", "message": f"bad key {key} (echoed)"}}, ensure_ascii=False)
        return http_response(status, body.encode(), reason=reason, content_type=content_type, headers=headers)

    return build


def _gzip_error(key: str) -> Parts:
    body = gzip.compress(json.dumps({"error": {"message": f"key {key} refused"}}, ensure_ascii=False).encode())
    head = (
        b"HTTP/1.1 500 Oops\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\n"
        b"content-length: %d\r\n\r\n" % len(body)
    )
    return [head, body]


def _split_text(key: str) -> Parts:
    text = f"Here is the key you sent: {key}. Keep it safe."
    chunks = [text_delta(piece) for piece in _split(text, 7)] + [STOP]
    raw = b"".join(chunks)
    return http_response(200, _split_bytes(raw, 13))  # events split across network reads too


def _split_bytes(raw: bytes, size: int) -> list[bytes | float]:
    return [raw[i : i + size] for i in range(0, len(raw), size)]


def _error_event(key: str) -> Parts:
    error = {"type": "error", "error": {"type": "overloaded_error", "message": f"no: {key}"}}
    return http_response(200, [text_delta("partial answer "), sse("error", error)])


def _event_name(key: str) -> Parts:
    return http_response(200, [text_delta("before "), f"event: {key}\ndata: not json {key}\n\n".encode()])


def _stop_reason(key: str) -> Parts:
    stop = {"type": "message_delta", "delta": {"stop_reason": key}, "usage": {"output_tokens": 1}}
    return http_response(200, [text_delta("done"), sse("message_delta", stop), STOP])


def _reasoning(key: str) -> Parts:
    return http_response(200, [thinking(f"the key is {key}"), text_delta("answer"), STOP])


def _trickle(key: str) -> Parts:
    parts: Parts = [text_delta("so far ")]
    for _ in range(60):
        parts += [f": {key}\n".encode(), 0.1]
    return http_response(200, parts)


def _dropped(key: str) -> Parts:
    head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: 100000\r\n\r\n"
    return [head, text_delta(f"text with {key}"), 0.05]


def _huge_event(key: str) -> Parts:
    return http_response(200, [text_delta("kept "), b"data: " + key.encode() * 40_000])


def _key_header(key: str) -> Parts:
    head = f"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nx-echo: {key}\r\n"
    body = text_delta("fine") + STOP
    return [head.encode() + b"content-length: %d\r\n\r\n" % len(body) + body]


@dataclass(frozen=True)
class Scenario:
    name: str
    exit_code: int
    build: Callable[[str], Parts]
    dressing: str = "plain"
    ask_args: tuple[str, ...] = ()

    def respond(self, request: Request) -> Parts:
        return self.build(dressed(request.key)[self.dressing])


SCENARIOS = [
    Scenario("status-line", 6, _raw("HTTP/1.1 {key}\r\n\r\n"), "zero-width"),
    Scenario("status-code", 6, _raw("HTTP/1.1 2{key} OK\r\n\r\n"), "plain"),
    Scenario("header-line", 6, _raw("HTTP/1.1 200 OK\r\n{key}\r\n\r\n"), "soft-hyphen"),
    Scenario("header-name", 6, _raw("HTTP/1.1 200 OK\r\n{key} x: 1\r\n\r\n"), "upper"),
    Scenario("header-value", 0, _key_header, "escapes"),
    Scenario("content-type", 5, _raw("HTTP/1.1 200 OK\r\ncontent-type: {key}\r\ncontent-length: 2\r\n\r\nhi"), "osc"),
    Scenario("location", 2, _raw("HTTP/1.1 302 Found\r\nlocation: https://x/?k={key}\r\ncontent-length: 0\r\n\r\n"), "fullwidth"),
    Scenario("401-json", 3, _error(401, b"Unauthorized"), "bidi"),
    Scenario("403-text", 3, _error(403, b"Forbidden", "text/plain"), "cut"),
    Scenario("429-retried", 4, _error(429, b"Slow", **{"retry-after": "0"}), "zero-width"),
    Scenario("500-gzip", 5, _gzip_error, "upper"),
    Scenario("split-text", 0, _split_text, "zero-width"),
    Scenario("split-text-plain", 0, _split_text, "plain"),
    Scenario("error-event", 5, _error_event, "escapes"),
    Scenario("event-name", 5, _event_name, "plain"),
    Scenario("stop-reason", 0, _stop_reason, "soft-hyphen"),
    Scenario("reasoning", 0, _reasoning, "upper", ("--show-reasoning",)),
    Scenario("trickle", 6, _trickle, "plain", ("--timeout", "1")),
    Scenario("dropped", 5, _dropped, "fullwidth"),
    Scenario("huge-event", 5, _huge_event, "plain"),
]
