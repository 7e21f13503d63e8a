"""The settings form's values as text, and turning them into checked `Settings`.

Kept free of widgets so the rules (what is a valid timeout, base URL or model name) are tested
directly, and the screen only shows the messages next to the fields they belong to.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

from tikhub_tui.core.client import check_base_url
from tikhub_tui.core.errors import ApiError
from tikhub_tui.core.model import PROVIDERS
from tikhub_tui.core.settings import LARGEST, Settings


@dataclass(frozen=True)
class FormValues:
    """What the form's fields hold, as the user typed it."""

    base_url: str
    provider: str
    model: str
    theme: str
    connect_timeout: str
    read_timeout: str
    max_tokens: str
    system_prompt: str
    extra: dict[str, str] = field(default_factory=dict)
    """Comma-separated extra model names, by provider."""

    @classmethod
    def from_settings(cls, settings: Settings, theme: str) -> FormValues:
        """The text each field starts with for these settings."""
        return cls(
            base_url=settings.base_url,
            provider=settings.provider,
            model=settings.model,
            theme=theme,
            connect_timeout=f"{settings.connect_timeout:g}",
            read_timeout=f"{settings.read_timeout:g}",
            max_tokens="" if settings.max_tokens is None else str(settings.max_tokens),
            system_prompt=settings.system_prompt,
            extra={p: join_models(settings.models.get(p, [])) for p in PROVIDERS},
        )


def join_models(names: list[str]) -> str:
    return ", ".join(names)


def split_models(text: str) -> list[str]:
    """Names from a comma-separated list, without blanks or repeats, in the order given."""
    names: list[str] = []
    for part in text.split(","):
        name = part.strip()
        if name and name not in names:
            names.append(name)
    return names


def parse_form(values: FormValues, base: Settings) -> tuple[Settings | None, dict[str, str]]:
    """New settings from the form (fields not on it come from `base`), or errors by field id.

    Field ids are the widgets' ids: base-url, connect-timeout, read-timeout, max-tokens,
    model, extra-<provider>. An empty max-tokens means none of the user's own.
    """
    errors: dict[str, str] = {}
    base_url = values.base_url.strip()
    try:
        check_base_url(base_url)
    except ApiError as error:
        errors["base-url"] = f"{error.message}; {error.hint}"
    largest_connect = LARGEST["connect_timeout"]
    connect = _seconds(values.connect_timeout, "connect-timeout", errors, largest_connect)
    read = _seconds(values.read_timeout, "read-timeout", errors, LARGEST["read_timeout"])
    max_tokens = (  # empty: no limit of the user's own, the model's applies
        _whole(values.max_tokens, "max-tokens", errors, LARGEST["max_tokens"])
        if values.max_tokens.strip()
        else None
    )
    if not values.model.strip():
        errors["model"] = "choose a model"
    models = {k: v for k, v in base.models.items() if k not in PROVIDERS}
    for provider in PROVIDERS:
        names = split_models(values.extra.get(provider, ""))
        spaced = [name for name in names if any(char.isspace() for char in name)]
        if spaced:
            errors[f"extra-{provider}"] = (
                f"model names have no spaces: {spaced[0]!r}; separate names with commas"
            )
        elif names:
            models[provider] = names
    if errors:
        return None, errors
    return (
        dataclasses.replace(
            base,
            base_url=base_url,
            provider=values.provider,
            model=values.model.strip(),
            theme=values.theme,
            connect_timeout=connect,
            read_timeout=read,
            max_tokens=max_tokens,
            system_prompt=values.system_prompt,
            models=models,
        ),
        {},
    )


def _seconds(text: str, field_id: str, errors: dict[str, str], largest: float) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        errors[field_id] = f"{text.strip() or 'an empty field'!s} is not a number of seconds"
        return 0.0
    if not math.isfinite(value) or value <= 0:
        errors[field_id] = "must be more than 0 seconds"
    elif value > largest:
        errors[field_id] = f"must be at most {largest:,.0f} seconds"
    return value


def _whole(text: str, field_id: str, errors: dict[str, str], largest: float) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        errors[field_id] = f"{text.strip() or 'an empty field'!s} is not a whole number"
        return 0
    if value <= 0:
        errors[field_id] = "must be more than 0"
    elif value > largest:
        errors[field_id] = f"must be at most {largest:,.0f}"
    return value
