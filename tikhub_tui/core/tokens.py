"""Token estimates where the provider has not counted (yet), the output limit to ask for, and
whether a conversation fits the model's context window.

Estimates fill in only what a provider never reported (a dropped stream, a cancelled answer)
and are marked as such; a prompt that cannot fit is refused before a request is made.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from tikhub_tui.core.answer_tokens import estimate_answer
from tikhub_tui.core.attachments.text import text_block
from tikhub_tui.core.catalogue import Catalogue, ModelInfo
from tikhub_tui.core.model import Attachment, Conversation, RequestOptions, Usage

PER_MESSAGE = 4
"""Tokens each turn costs beyond its text (role markers and separators)."""


def estimate_tokens(text: str) -> int:
    """About how many tokens `text` is: four ASCII characters each (English and code land near
    that with all three providers' tokenizers), and one per three UTF-8 bytes of the rest (a
    CJK character is about one token, an accented letter less, an emoji more)."""
    if not text:
        return 0
    plain = len(text.encode("ascii", "ignore"))
    rest = len(text.encode("utf-8", "surrogatepass")) - plain
    return math.ceil(plain / 4 + rest / 3)


IMAGE_TOKENS_MAX = 1600
"""An image costs about width x height / 750 tokens, at most this many once the provider scales
it down (Anthropic's vision guide; OpenAI's and Gemini's tiles land in the same range)."""
PDF_PAGE_TOKENS = 1500
"""A PDF page costs 1,500 to 3,000 tokens (its text and its image: Anthropic's PDF guide); the
low end, so that the context check never refuses what would fit."""


def estimate_attachment(attachment: Attachment) -> int:
    """About how many prompt tokens an attachment takes: a text file as the fenced text it is
    sent as, an image by its pixels, a PDF by its pages."""
    if attachment.kind == "text":
        return estimate_tokens(text_block(attachment))
    if attachment.kind == "image":
        pixels = (attachment.width or 0) * (attachment.height or 0)
        return min(math.ceil(pixels / 750), IMAGE_TOKENS_MAX)
    return (attachment.pages or 1) * PDF_PAGE_TOKENS


def estimate_conversation(conversation: Conversation) -> int:
    """About how many prompt tokens sending `conversation` takes, attachments included."""
    turns = [m.text for m in conversation.messages if m.text.strip()]
    if conversation.system:
        turns.append(conversation.system)
    files = sum(estimate_attachment(a) for m in conversation.messages for a in m.attachments)
    return sum(estimate_tokens(text) + PER_MESSAGE for text in turns) + files


def completed_usage(usage: Usage, prompt_tokens: int | None, text: str, reasoning: str) -> Usage:
    """`usage` with the counts the provider never sent estimated (and marked estimated); left
    alone when it is whole, or when nothing arrived at all (nothing to count)."""
    if usage.input_tokens is not None and usage.output_tokens is not None:
        return usage
    if not usage.reported and not text and not reasoning:
        return usage
    output = usage.output_tokens
    if output is None:  # as the answer's figures estimated it while it streamed
        output = estimate_answer(text) + estimate_answer(reasoning)
    prompt = usage.input_tokens if usage.input_tokens is not None else prompt_tokens
    return replace(usage, input_tokens=prompt, output_tokens=output, estimated=True)


def request_options(max_tokens: int | None, info: ModelInfo | None, prompt: int) -> RequestOptions:
    """The user's limit, and the model's own for protocols that need one: its output limit,
    less where the context window has no more room after a prompt of `prompt` tokens."""
    limit = info.max_output if info else None
    window = info.context_window if info else None
    if limit is not None and window is not None and 0 < window - prompt < limit:
        limit = window - prompt
    return RequestOptions(max_tokens, limit)


@dataclass(frozen=True, slots=True)
class ContextUse:
    """How much of a model's context window a conversation takes."""

    tokens: int
    window: int | None
    """None when the catalogue does not know the model's window."""
    estimated: bool = True
    """An estimate before sending; the provider's own count after an answer."""

    @property
    def share(self) -> float | None:
        return None if not self.window else self.tokens / self.window

    @property
    def fits(self) -> bool:
        return self.window is None or self.tokens <= self.window


def context_before(conversation: Conversation, info: ModelInfo | None) -> ContextUse:
    """The estimate for a conversation about to be sent."""
    window = info.context_window if info else None
    return ContextUse(estimate_conversation(conversation), window)


def context_after(usage: Usage, info: ModelInfo | None) -> ContextUse | None:
    """The provider's count after an answer: its prompt and the answer are the next prompt."""
    if usage.input_tokens is None or usage.output_tokens is None:
        return None
    window = info.context_window if info else None
    return ContextUse(usage.input_tokens + usage.output_tokens, window, usage.estimated)


def with_draft(use: ContextUse, draft: str) -> ContextUse:
    """The conversation so far plus a prompt being typed: an estimate until it is answered."""
    if not draft.strip():
        return use
    return ContextUse(use.tokens + estimate_tokens(draft) + PER_MESSAGE, use.window)


def larger_windows(
    catalogue: Catalogue, tokens: int, provider: str = "", limit: int = 3
) -> list[str]:
    """Models whose window would take `tokens`, the same provider's first, largest last."""
    fitting = [
        info
        for info in catalogue.models.values()
        if info.context_window is not None and info.context_window > tokens
    ]
    fitting.sort(key=lambda i: (i.provider != provider, i.context_window or 0))
    return [info.name for info in fitting[:limit]]
