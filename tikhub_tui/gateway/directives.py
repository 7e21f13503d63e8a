"""Directives in a prompt (`lorem: 200 tps: 0`) and the answer text they produce.

Any client can drive the gateway through the prompt alone, so the app, `ask`, the SDK tests and the
benchmarks all exercise the same server paths with no special API.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from tikhub_tui.gateway import content
from tikhub_tui.gateway.parts import Part, report

MAX_WORDS = 1_000_000
"""Upper bound for lorem/code/think sizes, so one prompt cannot exhaust the machine's memory."""

_NUMERIC = (
    "tps",
    "lorem",
    "code",
    "error",
    "fail-after",
    "drop-after",
    "think",
    "chunk",
    "cache-read",
    "cache-write",
)
_NAMES = "|".join(("echo", "attachments", *_NUMERIC))
_PATTERN = re.compile(
    r"(?<![\w-])(" + _NAMES + r")[ \t]*:(?:[ \t]*(\d+(?:\.\d+)?)(?!\S))?",
    re.IGNORECASE,
)
_ECHO_GAP = re.compile(r"[ \t]|\r?\n")


@dataclass(frozen=True, slots=True)
class Directives:
    """What the last user message asks of the gateway; None means not asked."""

    echo: str | None = None
    attachments: bool = False
    """Answer with the request's content parts (kind, media type, bytes, SHA-256)."""
    lorem: int | None = None
    code: int | None = None
    tps: float | None = None
    error: int | None = None
    fail_after: int | None = None
    drop_after: int | None = None
    think: int | None = None
    chunk: int | None = None
    cache_read: int | None = None
    """Prompt tokens to report as read from the provider's cache (added to the prompt's count)."""
    cache_write: int | None = None
    """Prompt tokens to report as written to the cache (where the protocol reports writes)."""


def _accept(name: str, raw: str) -> float | int | None:
    """Turn a directive's value into a number, or None when it is out of range."""
    if name == "tps":
        value = float(raw)
        return value if math.isfinite(value) else None
    if "." in raw:
        return None
    number = int(raw)
    if name == "error":
        return number if 400 <= number <= 599 else None
    if name == "chunk":
        return number if number >= 1 else None
    return min(number, MAX_WORDS)


def parse(prompt: str) -> Directives:
    """Read the directives of a prompt: `name: value` words, case-insensitive, in any order.

    `echo:` takes the rest of the message verbatim (one space or newline after the colon is
    dropped), so directives written after it are part of the echoed text.
    """
    found: dict[str, object] = {}
    for match in _PATTERN.finditer(prompt):
        name = match.group(1).lower()
        if name == "echo":
            rest = prompt[prompt.index(":", match.end(1)) + 1 :]
            gap = _ECHO_GAP.match(rest)
            found["echo"] = rest[gap.end() :] if gap else rest
            break
        if name == "attachments":
            found["attachments"] = True
            continue
        raw = match.group(2)
        if raw is None or name.replace("-", "_") in found:
            continue
        value = _accept(name, raw)
        if value is not None:
            found[name.replace("-", "_")] = value
    return Directives(**found)  # type: ignore[arg-type]


def merged(prompt: str, system: str) -> Directives:
    """The directives of a prompt, with those of its system prompt where it sets none: one
    prompt sent with different system prompts (a race's panes) gets different answers."""
    own = parse(prompt)
    if not system.strip():
        return own
    fallback = parse(system)
    values = {
        name: getattr(own, name) if getattr(own, name) is not None else getattr(fallback, name)
        for name in Directives.__dataclass_fields__
    }
    return Directives(**values)


def answer_for(directives: Directives, model: str, parts: Sequence[Part] = ()) -> str:
    """The whole answer text for parsed directives: the attachments report, echo, lorem, code,
    else the demo."""
    if directives.attachments:
        return report(parts)
    if directives.echo is not None:
        return directives.echo
    if directives.lorem is not None:
        return content.lorem(directives.lorem)
    if directives.code is not None:
        return content.code(directives.code)
    return content.demo(model)


def answer_text(prompt: str, model: str = "demo-model") -> str:
    """The exact answer text the gateway streams for `prompt` (pure; tests compare against it)."""
    return answer_for(parse(prompt), model)


def reasoning_text(prompt: str) -> str:
    """The reasoning text streamed before the answer (`think: N`), or "" when none is asked."""
    think = parse(prompt).think
    return content.reasoning(think) if think else ""
