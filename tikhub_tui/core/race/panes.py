"""The panes of a race: which model runs in each, in which protocol, with which own settings.

A pane is written the same way on the command line (`-m "gpt-5 reasoning=high"`), in a saved
model set and in the race screen's picker, so "the same model with two settings" is a race
like any other.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tikhub_tui.core.model import PROVIDERS, Reasoning

MIN_PANES = 2
MAX_PANES = 6
LABELS = "ABCDEF"
"""Pane labels, in order: short enough for a tab, and what a blind vote shows instead of names."""
MAX_SYSTEM = 20_000
"""The longest own system prompt a pane may carry (characters)."""


class PaneError(ValueError):
    """A pane cannot be read; the message names what is wrong and what is accepted."""


@dataclass(frozen=True, slots=True)
class PaneSpec:
    """One runner of a race: a model, its protocol, and the settings it runs with."""

    model: str
    provider: str
    system: str | None = None
    """Its own system prompt (None: the race's, from the settings)."""
    reasoning: Reasoning | None = None
    """How much it should think (None: the model's default)."""

    def settings_words(self) -> str:
        """What is particular to this pane, for its header: `reasoning high · own system
        prompt`; "" when nothing is."""
        words = []
        if self.reasoning is not None:
            words.append(f"reasoning {self.reasoning}")
        if self.system is not None:
            words.append("own system prompt" if self.system else "no system prompt")
        return " · ".join(words)

    def to_text(self) -> str:
        """The pane as written on the command line (`parse_pane` reads it back)."""
        words = [shlex.quote(self.model), f"provider={self.provider}"]
        if self.reasoning is not None:
            words.append(f"reasoning={self.reasoning.effort or self.reasoning.budget}")
        if self.system is not None:
            words.append(f"system={shlex.quote(self.system)}")
        return " ".join(words)

    def to_table(self) -> dict[str, Any]:
        """The pane as TOML-ready data (a model set)."""
        table: dict[str, Any] = {"model": self.model, "provider": self.provider}
        if self.reasoning is not None:
            table["reasoning"] = self.reasoning.effort or self.reasoning.budget
        if self.system is not None:
            table["system"] = self.system
        return table


Resolver = Callable[[str], str]
"""The protocol of a model name (raises PaneError when it cannot tell)."""


def provider_resolver(
    known: Mapping[str, Sequence[str]], infer: Callable[[str], str] | None = None
) -> Resolver:
    """A resolver that looks the model up in `known` (models per provider: the catalogue and
    the user's extra names), else asks `infer` (the name's prefix)."""
    owner = {name.lower(): provider for provider, names in known.items() for name in names}

    def resolve(model: str) -> str:
        found = owner.get(model.strip().lower())
        if found:
            return found
        if infer is not None:
            try:
                return infer(model)
            except ValueError as error:
                raise PaneError(str(error).replace("--provider", "provider=")) from None
        raise PaneError(f"cannot tell which protocol {model!r} speaks; add provider=")

    return resolve


def _reasoning(value: object, where: str) -> Reasoning:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise PaneError(f"{where}: reasoning must be a level or a number of tokens")
    try:
        return Reasoning.parse(str(value))
    except ValueError as error:
        raise PaneError(f"{where}: {error}") from None


def _provider(value: object, where: str) -> str:
    if value not in PROVIDERS:
        raise PaneError(f"{where}: provider must be one of {', '.join(PROVIDERS)}, not {value!r}")
    return str(value)


def _model(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        raise PaneError(f"{where}: a model name is needed (at most 200 characters)")
    if any(not c.isprintable() or c.isspace() for c in value.strip()):
        raise PaneError(f"{where}: a model name has no spaces or control characters")
    return value.strip()


def _system(value: object, where: str) -> str:
    if not isinstance(value, str) or len(value) > MAX_SYSTEM:
        raise PaneError(f"{where}: system must be text of at most {MAX_SYSTEM:,} characters")
    return value


def parse_pane(text: str, resolve: Resolver) -> PaneSpec:
    """`MODEL [reasoning=LEVEL|TOKENS] [system=TEXT] [provider=P]`, words as a shell splits
    them (quote a system prompt with spaces); raises PaneError."""
    try:
        words = shlex.split(text)
    except ValueError as error:
        raise PaneError(f"{text!r}: {error}") from None
    if not words:
        raise PaneError("an empty model")
    where = repr(text.strip())
    model = _model(words[0], where)
    fields: dict[str, str] = {}
    for word in words[1:]:
        key, sep, value = word.partition("=")
        key = {"effort": "reasoning", "thinking": "reasoning", "think": "reasoning"}.get(key, key)
        if not sep or key not in ("reasoning", "system", "provider"):
            raise PaneError(
                f"{where}: {word!r} is not a setting; write reasoning=LEVEL|TOKENS, "
                "system=TEXT or provider=NAME after the model"
            )
        fields[key] = value
    provider = _provider(fields["provider"], where) if "provider" in fields else resolve(model)
    return PaneSpec(
        model,
        provider,
        _system(fields["system"], where) if "system" in fields else None,
        _reasoning(fields["reasoning"], where) if "reasoning" in fields else None,
    )


def pane_from_table(table: object, where: str, resolve: Resolver) -> PaneSpec:
    """A pane from TOML data (a model set); raises PaneError naming `where`."""
    if not isinstance(table, Mapping):
        raise PaneError(f"{where}: a pane is a table with a model")
    unknown = sorted(set(table) - {"model", "provider", "reasoning", "system"})
    if unknown:
        raise PaneError(f"{where}: unknown key {unknown[0]!r} (model, provider, reasoning, system)")
    model = _model(table.get("model"), where)
    provider = _provider(table["provider"], where) if "provider" in table else resolve(model)
    system = _system(table["system"], where) if "system" in table else None
    reasoning = _reasoning(table["reasoning"], where) if "reasoning" in table else None
    return PaneSpec(model, provider, system, reasoning)


def check_count(panes: Sequence[PaneSpec]) -> None:
    """A race has 2 to 6 panes; raises PaneError saying so."""
    if not MIN_PANES <= len(panes) <= MAX_PANES:
        raise PaneError(
            f"a race needs {MIN_PANES} to {MAX_PANES} models, not {len(panes)}"
            + ("; add more with -m or a set" if len(panes) < MIN_PANES else "")
        )
