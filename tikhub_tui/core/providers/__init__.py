"""The three wire protocols behind one interface: build a request, decode its SSE events.

Everything provider-specific lives in the adapter modules; callers pick one with `adapter()`.
"""

from __future__ import annotations

from typing import Protocol

from tikhub_tui.core.model import (
    PROVIDERS,
    Conversation,
    FinishReason,
    ProviderName,
    RequestOptions,
    RequestSpec,
    StreamEvent,
)
from tikhub_tui.core.providers import anthropic, gemini, openai
from tikhub_tui.core.providers.limits import LimitExceeded

__all__ = [
    "Adapter",
    "Decoder",
    "LimitExceeded",
    "UsageError",
    "adapter",
    "check_limits",
    "infer_provider",
]


class UsageError(ValueError):
    """The caller asked for something that cannot be sent (unknown model family, bad name)."""


class Decoder(Protocol):
    """Turns one SSE event of a stream into neutral events; one decoder per stream."""

    def decode(self, event: str, data: str) -> list[StreamEvent]: ...


class Adapter(Protocol):
    """What each protocol module provides (the modules themselves satisfy this protocol)."""

    def build_request(
        self,
        conversation: Conversation,
        model: str,
        options: RequestOptions,
        *,
        base_url: str,
        api_key: str,
    ) -> RequestSpec:
        """The request to send; raises LimitExceeded (and sends nothing) when an attachment
        breaks one of the protocol's limits."""
        ...

    def check_limits(self, conversation: Conversation, model: str) -> None:
        """Raise LimitExceeded when the conversation's attachments break a documented limit."""
        ...

    def new_decoder(self) -> Decoder: ...

    def finish_reason(self, raw: str) -> FinishReason: ...


_PREFIXES: tuple[tuple[str, ProviderName], ...] = (
    ("gpt-", "openai"),
    ("chatgpt-", "openai"),
    ("o1", "openai"),
    ("o3", "openai"),
    ("o4", "openai"),
    ("claude-", "anthropic"),
    ("gemini-", "gemini"),
)


def infer_provider(model: str) -> ProviderName:
    """The protocol a model name implies; raises UsageError naming `--provider` otherwise."""
    name = model.strip().lower()
    for prefix, provider in _PREFIXES:
        if name.startswith(prefix):
            return provider
    raise UsageError(
        f"cannot tell which protocol model {model!r} speaks; "
        f"pass --provider ({'|'.join(PROVIDERS)})"
    )


def check_limits(conversation: Conversation, model: str, provider: str) -> None:
    """Raise LimitExceeded when the conversation cannot be sent to this provider and model as
    it is (a race checks every pane this way before any starts)."""
    adapter(provider).check_limits(conversation, model)


def adapter(provider: str) -> Adapter:
    """The adapter module of a provider."""
    try:
        return _ADAPTERS[provider]
    except KeyError:
        raise UsageError(
            f"unknown provider {provider!r}; choose from {', '.join(PROVIDERS)}"
        ) from None


def finish_reason(provider: str, raw: str) -> FinishReason | None:
    """The neutral reason of a provider's own word for an ending, as saved with an answer;
    None for a provider this version does not know."""
    found = _ADAPTERS.get(provider)
    return found.finish_reason(raw) if found else None


_ADAPTERS: dict[str, Adapter] = {"openai": openai, "anthropic": anthropic, "gemini": gemini}
