"""The embedded local gateway: a real loopback HTTP server speaking three providers' protocols.

It streams OpenAI Responses, Anthropic Messages and Gemini answers byte for byte as the providers
do, driven by directives in the prompt, so demo mode, tests and benchmarks need no key and no
network. `answer_text` computes, without a server, the exact text a prompt's stream carries.
"""

from __future__ import annotations

from tikhub_tui.gateway.content import count_words, split_deltas
from tikhub_tui.gateway.directives import Directives, answer_text, parse, reasoning_text
from tikhub_tui.gateway.server import Gateway, is_loopback

__all__ = [
    "Directives",
    "Gateway",
    "answer_text",
    "count_words",
    "is_loopback",
    "parse",
    "reasoning_text",
    "split_deltas",
]
