"""Routing: which provider a request is for, its validation, and the reply or stream it gets.

The protocol paths match at the end of the URL path, so a client whose base URL carries a path
prefix (`http://127.0.0.1:PORT/proxy`) can be tested against the gateway unchanged.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from tikhub_tui.gateway import (
    anthropic_request,
    anthropic_stream,
    gemini_request,
    gemini_stream,
    openai_request,
    openai_stream,
)
from tikhub_tui.gateway.bench import BenchLog
from tikhub_tui.gateway.directives import merged as merged_directives
from tikhub_tui.gateway.plan import Plan, make_plan
from tikhub_tui.gateway.wire import Encoder, Provider, RawRequest, Reply, dumps, json_reply

PROVIDERS: list[tuple[re.Pattern[str], Provider]] = [
    (
        re.compile(r"(?:^|/)v1/responses$"),
        Provider(
            "openai", openai_request.parse, openai_request.status_error, openai_stream.OpenAIEncoder
        ),
    ),
    (
        re.compile(r"(?:^|/)v1/messages$"),
        Provider(
            "anthropic",
            anthropic_request.parse,
            anthropic_request.status_error,
            anthropic_stream.AnthropicEncoder,
        ),
    ),
    (
        gemini_request.PATH,
        Provider(
            "gemini", gemini_request.parse, gemini_request.status_error, gemini_stream.GeminiEncoder
        ),
    ),
]

_INDEX = """tikhub-tui local gateway (demo mode, tests and benchmarks; any non-empty key works)

POST /v1/responses                                         OpenAI Responses
POST /v1/messages                                          Anthropic Messages
POST /v1beta/models/MODEL:streamGenerateContent?alt=sse    Gemini

Directives in the last user message: echo: TEXT, lorem: N, code: N, think: N, tps: N,
error: STATUS, fail-after: N, drop-after: N, chunk: N, cache-read: N, cache-write: N
(they combine: "tps: 0 lorem: 2000"); those in the system prompt apply where the message
sets none. attachments: answers with every content part received (kind, media type, bytes,
SHA-256).
"""


@dataclass(frozen=True, slots=True)
class StreamJob:
    """A valid streaming request, ready to be played."""

    plan: Plan
    encoder: Encoder


def _not_found(req: RawRequest) -> Reply:
    message = f"Invalid URL ({req.method} {req.path})"
    body = {
        "error": {"message": message, "type": "invalid_request_error", "param": None, "code": None}
    }
    return json_reply(404, body)


def _bench(req: RawRequest, bench: BenchLog) -> Reply | None:
    if (req.method, req.path) == ("POST", "/_bench/reset"):
        bench.reset()
        return json_reply(200, {})
    if (req.method, req.path) == ("GET", "/_bench/stats"):
        return Reply(200, dumps(bench.records()).encode(), [("Content-Type", "application/json")])
    if (req.method, req.path) == ("GET", "/_bench/text"):
        return Reply(
            200, bench.last_text().encode(), [("Content-Type", "text/plain; charset=utf-8")]
        )
    return None


def route(req: RawRequest, number: int, default_tps: float, bench: BenchLog) -> Reply | StreamJob:
    """Answer one request: a bench or index reply, a provider's error, or a stream to play."""
    if req.path.startswith("/_bench/"):
        return _bench(req, bench) or _not_found(req)
    if (req.method, req.path) == ("GET", "/"):
        return Reply(200, _INDEX.encode(), [("Content-Type", "text/plain; charset=utf-8")])
    provider = next((p for pattern, p in PROVIDERS if pattern.search(req.path)), None)
    if provider is None or req.method != "POST":
        return _not_found(req)
    parsed = provider.parse(req)
    if isinstance(parsed, Reply):
        return parsed
    directives = merged_directives(parsed.prompt, parsed.system)
    if directives.error is not None:
        return provider.status_error(directives.error, parsed.model)
    read, written = directives.cache_read or 0, directives.cache_write or 0
    if read or written:
        parsed = dataclasses.replace(
            parsed,
            input_tokens=parsed.input_tokens + read + written,
            cache_read=read,
            cache_write=written,
        )
    return StreamJob(make_plan(parsed, directives, default_tps), provider.encoder(parsed, number))
