"""What the three protocol modules share: a parsed request, an HTTP reply, and the encoder shape.

Each protocol module turns raw request bytes into a `Parsed` (or a `Reply` with its provider's own
error body) and gives an `Encoder` that writes its provider's SSE bytes; the server and the stream
writer stay protocol-blind.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from tikhub_tui.gateway.parts import Part

Ending = Literal["stop", "max_tokens"]


@dataclass(frozen=True, slots=True)
class RawRequest:
    """An HTTP request as received: method, path, query, headers (lower-case names) and body."""

    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: bytes


@dataclass(frozen=True, slots=True)
class Reply:
    """A complete non-streamed HTTP answer (errors, bench endpoints, 404s)."""

    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Parsed:
    """A valid streaming request reduced to what the gateway needs to answer it."""

    model: str
    prompt: str
    """The text of the last user message: where the directives live."""
    input_tokens: int
    """Every prompt token, the cached ones (below) included."""
    max_tokens: int | None
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Protocol-specific fields echoed back in the stream (OpenAI's `instructions`, say)."""
    parts: tuple[Part, ...] = ()
    """Every content part of the request's messages, for the `attachments:` directive."""
    cache_read: int = 0
    """Prompt tokens reported as read from the cache (the `cache-read:` directive)."""
    cache_write: int = 0
    """Prompt tokens reported as written to the cache (the `cache-write:` directive)."""
    system: str = ""
    """The system prompt: its directives apply where the last user message sets none, so
    answers to one prompt can differ by their system prompt alone (a race's panes)."""


class Encoder:
    """Writes one response stream in a provider's wire format; one instance per request.

    The stream writer calls `begin`, then `delta` once per token (reasoning first, then answer),
    then exactly one of `finish` or `fail`; the encoder tracks which blocks are open.
    """

    headers: list[tuple[str, str]]

    def begin(self) -> bytes:
        raise NotImplementedError

    def delta(self, reasoning: bool, text: str, last: Ending | None) -> bytes:
        """One token; `last` carries the ending on the final token of a normally ending stream."""
        raise NotImplementedError

    def finish(self, ending: Ending) -> bytes:
        raise NotImplementedError

    def fail(self) -> bytes:
        """The protocol's own mid-stream error, after which the stream ends."""
        raise NotImplementedError


def dumps(value: object) -> str:
    """Compact JSON, non-ASCII kept as UTF-8, as OpenAI and Anthropic send it."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def json_reply(
    status: int, body: object, headers: list[tuple[str, str]] | None = None, indent: bool = False
) -> Reply:
    """A JSON reply; `indent` pretty-prints as Google does."""
    text = json.dumps(body, indent=2) + "\n" if indent else dumps(body)
    extra = [("Content-Type", "application/json; charset=utf-8"), *(headers or [])]
    return Reply(status, text.encode(), extra)


class Template:
    """A rendered event with holes for one text and some integers: the per-token fast path.

    `render(text, *ints)` is called once with markers; each `fill` then splices the JSON-encoded
    text and the integers in, giving exactly the bytes `render` would give, at a fraction of the
    cost of encoding the whole event again for every token.
    """

    _TEXT = "\ue000text\ue000"

    def __init__(self, render: Callable[..., str], ints: int = 0) -> None:
        marks = [str(-1_000_001 - i) for i in range(ints)]
        sample = render(self._TEXT, *map(int, marks))
        holes = [json.dumps(self._TEXT, ensure_ascii=False), *marks]
        pattern = re.compile("|".join(re.escape(hole) for hole in holes))
        self._pieces = pattern.split(sample)
        self._slots = [holes.index(found) for found in pattern.findall(sample)]

    def fill(self, text: str, *ints: int) -> str:
        values = [json.dumps(text, ensure_ascii=False), *map(str, ints)]
        pieces = self._pieces
        out = [pieces[0]]
        for k, slot in enumerate(self._slots):
            out.append(values[slot])
            out.append(pieces[k + 1])
        return "".join(out)


def load_json(body: bytes) -> tuple[Any, str | None]:
    """Decode a JSON request body, or say why it cannot be decoded."""
    try:
        return json.loads(body.decode("utf-8")), None
    except UnicodeDecodeError:
        return None, "the body is not valid UTF-8"
    except json.JSONDecodeError as exc:
        return None, f"{exc.msg} at line {exc.lineno} column {exc.colno}"


def count_tokens(*texts: str) -> int:
    """The gateway's deterministic token count for a prompt: its whitespace-separated words."""
    return sum(len(text.split()) for text in texts)


def fake_id(kind: str, n: int, length: int = 40) -> str:
    """A deterministic id that looks like a provider's: the same counter gives the same id."""
    digest = hashlib.sha256(f"{kind}:{n}".encode()).hexdigest()
    return digest[:length]


def fake_b62(kind: str, n: int, length: int) -> str:
    """Like `fake_id` in base 62, as Anthropic's and Google's ids are."""
    number = int(hashlib.sha256(f"{kind}:{n}".encode()).hexdigest(), 16)
    out = []
    for _ in range(length):
        number, digit = divmod(number, 62)
        out.append(_B62[digit])
    return "".join(out)


_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def is_int(value: object) -> bool:
    """True for a JSON integer (Python's bool is an int subclass, JSON's true is not)."""
    return isinstance(value, int) and not isinstance(value, bool)


RETRY_HEADERS = [("Retry-After", "1")]


@dataclass(frozen=True, slots=True)
class Provider:
    """One wire protocol: how to validate its requests, answer an error status, encode a stream."""

    name: str
    parse: Callable[[RawRequest], Parsed | Reply]
    status_error: Callable[[int, str], Reply]
    """The provider's own reply for an HTTP status (the `error: STATUS` directive), by model."""
    encoder: Callable[[Parsed, int], Encoder]
    """A fresh encoder for one stream; the int is the request's number, for deterministic ids."""
