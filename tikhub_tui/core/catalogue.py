"""The built-in model catalogue, merged with the extra names a user adds in settings."""

from __future__ import annotations

from tikhub_tui.core.model import PROVIDERS

BUILT_IN: dict[str, tuple[str, ...]] = {
    "openai": (
        "gpt-5",
        "gpt-5-mini",
        "gpt-5-nano",
        "gpt-4.1",
        "gpt-4.1-mini",
        "gpt-4o",
        "gpt-4o-mini",
        "o3",
        "o4-mini",
    ),
    "anthropic": (
        "claude-opus-4-6",
        "claude-sonnet-4-5-20250929",
        "claude-opus-4-1",
        "claude-haiku-4-5",
    ),
    "gemini": ("gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.5-flash-lite", "gemini-2.0-flash"),
}

PROVIDER_LABELS = {"openai": "OpenAI", "anthropic": "Anthropic", "gemini": "Gemini"}


def catalogue(extra: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """Models per provider: the built-in ones first, then the user's, without repeats."""
    result: dict[str, list[str]] = {}
    for provider in PROVIDERS:
        names = list(BUILT_IN[provider])
        for name in (extra or {}).get(provider, []):
            if name and name not in names:
                names.append(name)
        result[provider] = names
    return result
