"""Anthropic Messages stream encoder: message_start, content blocks, message_delta, message_stop.

The Anthropic SDK rebuilds the message from these events and refuses them out of order, so block
indexes, the ping after the first block start and the thinking block's closing signature follow
the real API.
"""

from __future__ import annotations

import base64
import hashlib

from tikhub_tui.gateway.anthropic_request import request_id
from tikhub_tui.gateway.wire import Encoder, Ending, Parsed, Template, dumps, fake_b62

_STOP_REASONS = {"stop": "end_turn", "max_tokens": "max_tokens"}


class AnthropicEncoder(Encoder):
    """Encodes one `/v1/messages` stream: a thinking block (if any), then a text block."""

    def __init__(self, parsed: Parsed, n: int) -> None:
        self.parsed = parsed
        self.id = "msg_01" + fake_b62("msg", n, 22)
        self.headers = [
            ("Content-Type", "text/event-stream; charset=utf-8"),
            ("Cache-Control", "no-cache"),
            ("request-id", request_id()),
            ("anthropic-organization-id", "00000000-0000-4000-8000-000000000000"),
        ]
        self._n = n
        self._index = -1
        self._open: str | None = None
        self._count = 0
        self._thinking = 0
        self._pinged = False
        self._template = Template(lambda text: text)

    @staticmethod
    def _event_str(name: str, data: dict[str, object]) -> str:
        return f"event: {name}\ndata: {dumps({'type': name, **data})}\n\n"

    def _event(self, name: str, data: dict[str, object]) -> bytes:
        return self._event_str(name, data).encode()

    def begin(self) -> bytes:
        message: dict[str, object] = {
            "model": self.parsed.model,
            "id": self.id,
            "type": "message",
            "role": "assistant",
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {
                **self._input_usage(),
                "cache_creation": {
                    "ephemeral_5m_input_tokens": self.parsed.cache_write,
                    "ephemeral_1h_input_tokens": 0,
                },
                "output_tokens": 1,
                "service_tier": "standard",
            },
        }
        return self._event("message_start", {"message": message})

    def _input_usage(self) -> dict[str, int]:
        """Anthropic's input_tokens counts only what was neither read from nor written to the
        cache; message_start and (cumulative) message_delta both carry the three counts."""
        parsed = self.parsed
        return {
            "input_tokens": parsed.input_tokens - parsed.cache_read - parsed.cache_write,
            "cache_creation_input_tokens": parsed.cache_write,
            "cache_read_input_tokens": parsed.cache_read,
        }

    def _close(self) -> bytes:
        if self._open is None:
            return b""
        out = b""
        if self._open == "thinking":
            digest = hashlib.sha256(f"signature:{self._n}".encode()).digest() * 3
            signature = base64.b64encode(digest).decode()
            out += self._event(
                "content_block_delta",
                {
                    "index": self._index,
                    "delta": {"type": "signature_delta", "signature": signature},
                },
            )
        self._open = None
        return out + self._event("content_block_stop", {"index": self._index})

    def _start(self, kind: str) -> bytes:
        out = self._close()
        self._index += 1
        self._open = kind
        block: dict[str, str] = (
            {"type": "thinking", "thinking": "", "signature": ""}
            if kind == "thinking"
            else {"type": "text", "text": ""}
        )
        out += self._event("content_block_start", {"index": self._index, "content_block": block})
        if not self._pinged:
            self._pinged = True
            out += b'event: ping\ndata: {"type": "ping"}\n\n'
        return out

    def delta(self, reasoning: bool, text: str, last: Ending | None) -> bytes:
        kind = "thinking" if reasoning else "text"
        out = self._start(kind) if self._open != kind else b""
        self._count += 1
        if reasoning:
            self._thinking += 1
        if out:
            index, key = self._index, "thinking" if reasoning else "text"
            self._template = Template(
                lambda t: self._event_str(
                    "content_block_delta",
                    {"index": index, "delta": {"type": f"{key}_delta", key: t}},
                )
            )
        return out + self._template.fill(text).encode()

    def finish(self, ending: Ending) -> bytes:
        out = b""
        if ending == "stop" and self._open != "text" and self._index < 0:
            out += self._start("text")
        out += self._close()
        thinking = (
            {"output_tokens_details": {"thinking_tokens": self._thinking}} if self._thinking else {}
        )
        out += self._event(
            "message_delta",
            {
                "delta": {"stop_reason": _STOP_REASONS[ending], "stop_sequence": None},
                "usage": {**self._input_usage(), "output_tokens": self._count, **thinking},
            },
        )
        return out + self._event("message_stop", {})

    def fail(self) -> bytes:
        return self._event(
            "error", {"error": {"type": "overloaded_error", "message": "Overloaded"}}
        )
