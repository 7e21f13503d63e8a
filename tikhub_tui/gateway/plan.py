"""What one stream will carry: its tokens, how it ends, its pace and its network write size.

Deciding everything before the first byte keeps the stream writer simple and lets the last token
carry its ending (Gemini puts `finishReason` on the final chunk).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tikhub_tui.gateway import content
from tikhub_tui.gateway.directives import Directives, answer_for
from tikhub_tui.gateway.wire import Parsed

Outcome = Literal["stop", "max_tokens", "fail", "drop"]


@dataclass(frozen=True, slots=True)
class Plan:
    """The tokens to send, as (is_reasoning, text), already cut where the stream must end."""

    tokens: list[tuple[bool, str]]
    outcome: Outcome
    tps: float
    """Tokens per second; 0 means as fast as the socket takes them."""
    chunk: int | None
    """Write the body in network pieces of at most this many bytes (the `chunk:` directive)."""

    @property
    def answer(self) -> str:
        """The answer text this stream sends (reasoning excluded)."""
        return "".join(text for reasoning, text in self.tokens if not reasoning)


def make_plan(parsed: Parsed, directives: Directives, default_tps: float) -> Plan:
    """Lay out the stream for a request: reasoning then answer, cut by max tokens, fail or drop.

    Of max tokens, `fail-after` and `drop-after`, the smallest limit wins; the two fault directives
    apply even when the answer is shorter than their limit.
    """
    reasoning = content.split_deltas(content.reasoning(directives.think or 0))
    answer = content.split_deltas(answer_for(directives, parsed.model, parsed.parts))
    tokens = [(True, text) for text in reasoning] + [(False, text) for text in answer]
    limit = len(tokens)
    outcome: Outcome = "stop"
    candidates: list[tuple[int | None, Outcome]] = [
        (
            parsed.max_tokens
            if parsed.max_tokens is not None and parsed.max_tokens < limit
            else None,
            "max_tokens",
        ),
        (directives.fail_after, "fail"),
        (directives.drop_after, "drop"),
    ]
    for cap, kind in candidates:
        if cap is not None and (cap < limit or (kind != "max_tokens" and outcome == "stop")):
            limit, outcome = min(cap, limit), kind
    tps = default_tps if directives.tps is None else directives.tps
    return Plan(tokens[:limit], outcome, max(tps, 0.0), directives.chunk)
