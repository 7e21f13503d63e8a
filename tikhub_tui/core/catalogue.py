"""The model catalogue: the models per provider, and each one's limits and list prices.

The facts ship as data (`catalogue.toml`, with the date and the source of its prices); a user's
`config.toml` overrides or extends them per model and can scale every shipped price, for a
gateway that bills differently. A model nobody priced has no price: nothing here guesses.
"""

from __future__ import annotations

import functools
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tikhub_tui.core.model import PROVIDERS

if TYPE_CHECKING:
    from tikhub_tui.core.settings import Settings

PROVIDER_LABELS = {"openai": "OpenAI", "anthropic": "Anthropic", "gemini": "Gemini"}

DATA = Path(__file__).with_name("catalogue.toml")
"""The shipped catalogue, beside this module."""
PRICE_KEYS = ("input", "cached_input", "cache_write", "output")
LIMIT_KEYS = ("context_window", "max_output")


@dataclass(frozen=True, slots=True)
class Prices:
    """US dollars per million tokens; a missing cache price means the input price."""

    input: float
    output: float
    cached_input: float | None = None
    cache_write: float | None = None

    def scaled(self, factor: float) -> Prices:
        def times(value: float | None) -> float | None:
            return None if value is None else value * factor

        cached, write = times(self.cached_input), times(self.cache_write)
        return Prices(self.input * factor, self.output * factor, cached, write)


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """What the catalogue knows of one model; None where it knows nothing."""

    name: str
    provider: str = ""
    context_window: int | None = None
    max_output: int | None = None
    prices: Prices | None = None
    long_context: tuple[int, Prices] | None = None
    """Prices for a whole request whose prompt has more than this many tokens."""
    from_config: bool = False
    """The user's config.toml set some of this (its prices are taken as they are)."""

    def prices_for(self, prompt_tokens: int) -> Prices | None:
        """The prices of a request with this many prompt tokens."""
        if self.long_context is not None and prompt_tokens > self.long_context[0]:
            return self.long_context[1]
        return self.prices


class CatalogueError(ValueError):
    """A catalogue entry (the user's, in config.toml) is malformed; the message names the key."""


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Models by name (aliases resolve to their model), with where the prices come from."""

    models: Mapping[str, ModelInfo]
    aliases: Mapping[str, str]
    taken: str = ""
    """The date the shipped prices were taken."""
    sources: Mapping[str, str] | None = None
    """Where the shipped prices were taken from, by provider."""
    factor: float = 1.0
    """What the shipped prices were multiplied by (config.toml's `price_factor`)."""

    def info(self, model: str) -> ModelInfo | None:
        """The entry of a model name (exact or a listed alias; Gemini's `models/` prefix and
        case do not matter), or None."""
        key = model.strip().lower().removeprefix("models/")
        return self.models.get(self.aliases.get(key, key))

    def names(self, provider: str) -> list[str]:
        """The models of a provider, in the catalogue's order."""
        return [name for name, info in self.models.items() if info.provider == provider]

    def configured(self, overrides: Mapping[str, Mapping[str, Any]], factor: float) -> Catalogue:
        """This catalogue with its prices times `factor` and the user's entries on top (their
        prices are taken as given); raises CatalogueError naming a malformed entry."""
        models = {
            name: replace(
                info,
                prices=info.prices.scaled(factor) if info.prices else None,
                long_context=(info.long_context[0], info.long_context[1].scaled(factor))
                if info.long_context
                else None,
            )
            for name, info in self.models.items()
        }
        for name, table in overrides.items():
            key = self.aliases.get(name.strip().lower(), name.strip().lower())
            models[key] = _entry(key, table, models.get(key), where=f"catalogue.{name}")
        return replace(self, models=models, factor=factor)


def _number(table: Mapping[str, Any], key: str, where: str, *, whole: bool) -> Any:
    value = table.get(key)
    if value is None:
        return None
    if whole:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise CatalogueError(f"`{where}.{key}` must be a whole number above 0, not {value!r}")
        return value
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or value < 0:
        raise CatalogueError(f"`{where}.{key}` must be a price of 0 or more, not {value!r}")
    return float(value)


def _prices(table: Mapping[str, Any], where: str, base: Prices | None = None) -> Prices | None:
    given = {key: _number(table, key, where, whole=False) for key in PRICE_KEYS}
    merged = {
        key: given[key] if given[key] is not None else getattr(base, key, None)
        for key in PRICE_KEYS
    }
    if merged["input"] is None or merged["output"] is None:
        return None  # a cost needs both
    return Prices(merged["input"], merged["output"], merged["cached_input"], merged["cache_write"])


def _entry(
    name: str,
    table: Mapping[str, Any],
    base: ModelInfo | None,
    *,
    where: str,
    shipped: bool = False,
) -> ModelInfo:
    """One model from a TOML table, over `base` (the shipped entry) where it says nothing."""
    if not isinstance(table, Mapping):
        raise CatalogueError(f"`{where}` must be a table of prices and limits")
    allowed = {*PRICE_KEYS, *LIMIT_KEYS, "provider", "long_context", *(("aliases",) * shipped)}
    unknown = sorted(set(table) - allowed)
    if unknown:
        keys = ", ".join(sorted(allowed))
        raise CatalogueError(f"`{where}` has an unknown key `{unknown[0]}`; the keys are {keys}")
    provider = table.get("provider", base.provider if base else "")
    if provider and provider not in PROVIDERS:
        raise CatalogueError(f"`{where}.provider` must be one of {', '.join(PROVIDERS)}")
    info = base or ModelInfo(name)
    long_context = info.long_context
    extra = table.get("long_context")
    if extra is not None:
        inner = f"{where}.long_context"
        if not isinstance(extra, Mapping) or _number(extra, "above", inner, whole=True) is None:
            raise CatalogueError(f"`{inner}` needs `above = TOKENS` and the prices above it")
        tier = _prices(extra, inner, info.prices)
        long_context = (extra["above"], tier) if tier else None
    return replace(
        info,
        provider=str(provider),
        context_window=_number(table, "context_window", where, whole=True) or info.context_window,
        max_output=_number(table, "max_output", where, whole=True) or info.max_output,
        prices=_prices(table, where, info.prices),
        long_context=long_context,
        from_config=not shipped,
    )


@functools.cache
def built_in() -> Catalogue:
    """The shipped catalogue (read once)."""
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    models: dict[str, ModelInfo] = {}
    aliases: dict[str, str] = {}
    for name, table in data["models"].items():
        models[name] = _entry(name, table, None, where=f"models.{name}", shipped=True)
        aliases.update((alias, name) for alias in table.get("aliases", ()))
    return Catalogue(models, aliases, data["taken"], data["sources"])


def catalogue(extra: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """Models per provider: the built-in ones first, then the user's, without repeats."""
    shipped = built_in()
    result: dict[str, list[str]] = {}
    for provider in PROVIDERS:
        names = shipped.names(provider)
        for name in (extra or {}).get(provider, []):
            if name and name not in names:
                names.append(name)
        result[provider] = names
    return result


def for_settings(settings: Settings) -> Catalogue:
    """The shipped catalogue as the user's config.toml adjusts it (checked when it was read)."""
    return built_in().configured(settings.catalogue, settings.price_factor)
