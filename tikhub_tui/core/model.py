"""Plain data shared by every layer: conversations, requests and the neutral stream events.

Every protocol adapter turns its provider's wire events into the few event kinds below, so the
transcript, the race panes, the store and `ask` all consume one vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from tikhub_tui.core.body import Body

Role = Literal["user", "assistant"]
AttachmentKind = Literal["text", "image", "pdf"]
"""Text files travel as fenced text, images and PDFs in each protocol's own binary shape."""
ProviderName = Literal["openai", "anthropic", "gemini"]
PROVIDERS: tuple[ProviderName, ...] = ("openai", "anthropic", "gemini")

FinishReason = Literal["stop", "max_tokens", "content_filter", "other"]
"""Why a model stopped: a neutral reason; the provider's own word travels in `Finished.raw`."""


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a prompt: its name, what its bytes are (sniffed, not guessed from the
    name) and the bytes; built by `core.attachments`, which checks them first."""

    name: str
    media_type: str
    kind: AttachmentKind
    data: bytes = field(repr=False)
    sha256: str
    """Hex digest of `data`: the attachment's identity in the store and in the gateway's report."""
    pages: int | None = None
    """A PDF's page count, when it could be read."""
    width: int | None = None
    height: int | None = None
    """An image's size in pixels."""

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(slots=True)
class Message:
    """One turn of a conversation; user turns may carry attachments."""

    role: Role
    text: str
    attachments: tuple[Attachment, ...] = ()


@dataclass(slots=True)
class Conversation:
    """A system prompt and the turns so far; the last turn is the user prompt to answer."""

    messages: list[Message] = field(default_factory=list)
    system: str | None = None

    @classmethod
    def single(cls, prompt: str, system: str | None = None) -> Conversation:
        return cls([Message("user", prompt)], system)

    @classmethod
    def from_history(cls, history: list[Message], system: str | None = None) -> Conversation:
        """The turns worth sending from a history that may hold failed answers: an answer
        with no text is left out, and so is the prompt it failed to answer (the protocols
        want user and assistant turns to alternate; an error is not something the model
        said). The last prompt, still to be answered, stays."""
        turns: list[Message] = []
        for message in history:
            if message.role == "user":
                if turns and turns[-1].role == "user":
                    turns.pop()  # that prompt got no answer
                turns.append(message)
            elif message.text:
                turns.append(message)
        return cls(turns, system)


Effort = Literal["off", "minimal", "low", "medium", "high"]
EFFORTS: tuple[Effort, ...] = ("off", "minimal", "low", "medium", "high")
MAX_THINKING_BUDGET = 1_000_000
"""The largest thinking budget accepted (no model takes more)."""


@dataclass(frozen=True, slots=True)
class Reasoning:
    """How much a model should think before it answers: a level, or a budget of tokens.

    Each protocol sends it in its own field (OpenAI's `reasoning.effort`, Anthropic's
    `thinking.budget_tokens`, Gemini's `thinkingConfig.thinkingBudget`), turning a level into a
    budget or a budget into a level where the protocol takes the other kind.
    """

    effort: Effort | None = None
    budget: int | None = None
    """Tokens of thinking at most; 0 asks for none."""

    @classmethod
    def parse(cls, text: str) -> Reasoning:
        """`high`, `off`, `8000` or `8k` as a Reasoning; raises ValueError saying what is
        accepted."""
        word = text.strip().lower().replace(",", "").replace("_", "")
        for effort in EFFORTS:
            if word == effort:
                return cls(effort=effort)
        scale = 1000 if word.endswith("k") else 1
        digits = word.removesuffix("k")
        if digits.isascii() and digits.isdigit() and len(digits) <= 7:
            budget = int(digits) * scale
            if budget <= MAX_THINKING_BUDGET:
                return cls(budget=budget)
        raise ValueError(
            f"{text.strip()!r} is not a reasoning setting: give a level "
            f"({', '.join(EFFORTS)}) or a thinking budget in tokens (e.g. 8000 or 8k)"
        )

    def __str__(self) -> str:
        if self.effort is not None:
            return self.effort
        return f"{self.budget:,}" if self.budget is not None else ""


LimitSource = Literal["setting", "default"]
"""Where an answer's output limit came from: the user's max_tokens, or the model's own limit."""


@dataclass(frozen=True, slots=True)
class RequestOptions:
    """Generation options every protocol understands.

    `max_tokens` is the user's own limit (None: none set); `model_limit` is the model's output
    limit from the catalogue, sent only by protocols that require a value (None: unknown).
    """

    max_tokens: int | None = None
    model_limit: int | None = None
    reasoning: Reasoning | None = None
    """How much the model should think (None: the model's own default)."""

    @property
    def limit(self) -> int | None:
        """The output limit in effect, if known: the user's, else the model's own."""
        return self.max_tokens if self.max_tokens is not None else self.model_limit

    @property
    def limit_source(self) -> LimitSource:
        """Whose limit cuts a long answer: the user's setting or our default."""
        return "setting" if self.max_tokens is not None else "default"


@dataclass(frozen=True, slots=True)
class RequestSpec:
    """An HTTP request ready to send; its repr never shows header values (they hold the key)."""

    method: str
    url: str
    headers: dict[str, str]
    payload: dict[str, Any]
    """The JSON body, each attachment in it a `core.body.Inline` (encoded as it is sent)."""

    def __repr__(self) -> str:
        names = ", ".join(sorted(self.headers))
        return f"RequestSpec({self.method} {self.url}, headers=[{names}])"

    @property
    def json(self) -> dict[str, Any]:
        """The JSON body as plain data, the attachments' base64 text included (for reading:
        the request itself is sent from `content`)."""
        from tikhub_tui.core.body import plain

        result: dict[str, Any] = plain(self.payload)
        return result

    def content(self) -> Body:
        """The JSON body as pieces to write, each attachment's base64 made as it is written
        (a 10 MB PDF is never copied whole), with its length."""
        from tikhub_tui.core.body import body

        return body(self.payload)


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts in one shape for every protocol; None means not reported (yet).

    `input_tokens` counts every prompt token the model read, cached or not (Anthropic reports
    the uncached part alone: its decoder adds the cache counts in); `cache_read_tokens` and
    `cache_write_tokens` are parts of it. `output_tokens` counts every generated token,
    reasoning included (Gemini reports thoughts apart: its decoder adds them in), and
    `reasoning_tokens` is a part of it. So cost and context need no provider rules.
    `estimated` marks counts the client estimated because the provider never sent them.
    """

    input_tokens: int | None = None
    output_tokens: int | None = None
    reasoning_tokens: int | None = None
    cache_read_tokens: int | None = None
    cache_write_tokens: int | None = None
    estimated: bool = False

    def merged(self, newer: Usage) -> Usage:
        """The newer report wins field by field where it says something."""

        def pick(new: int | None, old: int | None) -> int | None:
            return old if new is None else new

        return Usage(
            pick(newer.input_tokens, self.input_tokens),
            pick(newer.output_tokens, self.output_tokens),
            pick(newer.reasoning_tokens, self.reasoning_tokens),
            pick(newer.cache_read_tokens, self.cache_read_tokens),
            pick(newer.cache_write_tokens, self.cache_write_tokens),
            self.estimated or newer.estimated,
        )

    @property
    def reported(self) -> bool:
        """Some count is known."""
        return self.input_tokens is not None or self.output_tokens is not None


@dataclass(frozen=True, slots=True)
class TextDelta:
    """A piece of the answer text."""

    text: str


@dataclass(frozen=True, slots=True)
class ReasoningDelta:
    """A piece of reasoning or thinking text: shown apart, never part of the answer."""

    text: str


@dataclass(frozen=True, slots=True)
class UsageUpdate:
    """Token counts reported mid-stream or at its end."""

    usage: Usage


@dataclass(frozen=True, slots=True)
class Finished:
    """The protocol's end marker arrived: the answer is whole (or cut for `reason`)."""

    reason: FinishReason
    raw: str = ""


@dataclass(frozen=True, slots=True)
class ErrorEvent:
    """The provider reported an error inside the stream (or refused the prompt)."""

    message: str
    code: str = ""


StreamEvent = TextDelta | ReasoningDelta | UsageUpdate | Finished | ErrorEvent
