"""Gemini stream encoder: `data: JSON` chunks framed with CRLF, the last carrying finishReason.

Google frames each SSE event with CRLF and spaces its JSON as `"key": value`; the gateway copies
both so clients are tested against the real bytes.
"""

from __future__ import annotations

import json
from typing import Any

from tikhub_tui.gateway.gemini_request import HEADERS, STATUS_ERRORS
from tikhub_tui.gateway.wire import Encoder, Ending, Parsed, Template, fake_b62


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ": "))


class GeminiEncoder(Encoder):
    """Encodes `data: GenerateContentResponse` chunks; the last one carries finishReason."""

    def __init__(self, parsed: Parsed, n: int) -> None:
        self.parsed = parsed
        self.response_id = fake_b62("gemini", n, 22)
        self.headers = [
            ("Content-Type", "text/event-stream"),
            ("Content-Disposition", "attachment"),
            *HEADERS,
        ]
        self._thoughts = 0
        self._answer = 0
        self._finished = False
        self._templates: dict[tuple[bool, bool, bool], Template] = {}

    def begin(self) -> bytes:
        return b""

    def _render(
        self,
        text: str,
        reasoning: bool,
        ending: Ending | None,
        counts: tuple[int, int, int],
        shown: tuple[bool, bool] = (True, True),
    ) -> str:
        """One chunk; `counts` is (answer, total, thoughts), `shown` which of answer/thoughts."""
        prompt = self.parsed.input_tokens
        answer, total, thoughts = counts
        usage: dict[str, Any] = {"promptTokenCount": prompt}
        if shown[0] and answer:
            usage["candidatesTokenCount"] = answer
        usage["totalTokenCount"] = total
        cached = self.parsed.cache_read
        if cached:
            usage["cachedContentTokenCount"] = cached
        usage["promptTokensDetails"] = [{"modality": "TEXT", "tokenCount": prompt}]
        if cached:
            usage["cacheTokensDetails"] = [{"modality": "TEXT", "tokenCount": cached}]
        if shown[1] and thoughts:
            usage["thoughtsTokenCount"] = thoughts
        part: dict[str, Any] = {"text": text, "thought": True} if reasoning else {"text": text}
        candidate: dict[str, Any] = {"content": {"parts": [part], "role": "model"}}
        if ending is not None:
            candidate["finishReason"] = "STOP" if ending == "stop" else "MAX_TOKENS"
        candidate["index"] = 0
        chunk = {
            "candidates": [candidate],
            "usageMetadata": usage,
            "modelVersion": self.parsed.model,
            "responseId": self.response_id,
        }
        return f"data: {_dumps(chunk)}\r\n\r\n"

    def _template(self, reasoning: bool) -> Template:
        """The mid-stream chunk of this phase, with holes for the text and the token counts."""
        key = (reasoning, self._answer > 0, self._thoughts > 0)
        if key not in self._templates:
            self._templates[key] = Template(
                lambda text, *counts: self._render(text, reasoning, None, counts, key[1:]),
                ints=3,
            )
        return self._templates[key]

    def delta(self, reasoning: bool, text: str, last: Ending | None) -> bytes:
        if reasoning:
            self._thoughts += 1
        else:
            self._answer += 1
        counts = (self._answer, self._total(), self._thoughts)
        if last is not None:
            self._finished = True
            return self._render(text, reasoning, last, counts).encode()
        return self._template(reasoning).fill(text, *counts).encode()

    def _total(self) -> int:
        return self.parsed.input_tokens + self._answer + self._thoughts

    def finish(self, ending: Ending) -> bytes:
        if self._finished:
            return b""
        counts = (self._answer, self._total(), self._thoughts)
        return self._render("", False, ending, counts).encode()

    def fail(self) -> bytes:
        body = {"error": {"code": 500, "message": STATUS_ERRORS[500][1], "status": "INTERNAL"}}
        return f"data: {_dumps(body)}\r\n\r\n".encode()
