"""Blind mode: panes seated in a random order under the labels A–F, and answers' lines that
name a model or its maker hidden until the vote.

A model often says who it is ("As Claude…", "I'm GPT-4o", "trained by Google"); in a blind
race that gives the vote away. Every line naming any model family of the catalogue or any
maker is masked whole, whatever its case, spacing, look-alike letters or Markdown; the caller
keeps the original to reveal after the vote.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tikhub_tui.core.judging.votes import LABELS as PANE_KEYS

LABELS = PANE_KEYS.upper()
MAKERS: Mapping[str, tuple[str, ...]] = {
    "openai": ("OpenAI", "ChatGPT"),
    "anthropic": ("Anthropic",),
    "gemini": ("Google", "DeepMind"),
}
"""Who makes the models of each provider, and their products' other names."""
GENERIC = frozenset(
    (
        "mini", "nano", "pro", "flash", "lite", "turbo", "preview", "latest", "exp", "chat",
        "instruct", "large", "small", "medium", "max", "plus", "ultra", "base", "code", "text",
        "model", "models", "local", "test", "default", "vision", "audio", "realtime",
    )
)  # fmt: skip
"""Parts of model names that are words, not names: never masked on their own."""
HIDDEN = "▒▒▒ hidden until you vote"
CELL = " ▒▒▒ "
_SEPARATOR = r"[\W_]{0,3}"
"""Between a name's letters: spaces, dashes, dots, Markdown (`Open AI`, `G-P-T`, `Cl**aude**`)."""
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u180e\u200b\u200c\u200d\u2060\ufeff"))
_LOOKALIKES = str.maketrans(
    "аеорсухіјѕԁɡոАВЕКМНОРСТХІЈЅαοντρκιΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
    "aeopcyxijsdgnABEKMHOPCTXIJSaovtpkiABEZHIKMNOPTYX",
)
"""Cyrillic and Greek letters that look like Latin ones (NFKC leaves them be)."""
_LEAD = re.compile(r"[ \t]*(?:(?:>|#{1,6}|[-*+]|\d{1,9}[.)])[ \t]+)*")
_FENCE = re.compile(r"([ \t]*(?:`{3,}|~{3,}))")


def _normal(line: str) -> str:
    """The line as the names are looked for in: compatibility forms folded (fullwidth and
    mathematical letters become plain ones), look-alikes made Latin, invisibles dropped."""
    if line.isascii():
        return line.lower()
    folded = unicodedata.normalize("NFKC", line).translate(_INVISIBLE)
    return folded.translate(_LOOKALIKES).casefold()


def _spelled(term: str) -> str:
    return _SEPARATOR.join(re.escape(char) for char in term)


def _short(family: str) -> str:
    """`o3` as written, or with one space, dash or dot (`o-3`): more would match `O(3)`."""
    return rf"{re.escape(family[0])}[ \-_.]?{re.escape(family[1:])}(?![^\W_])"


def name_terms(models: Iterable[str], providers: Iterable[str] = MAKERS) -> list[str]:
    """The regex alternatives for the whole class: each model family (`gpt`, `claude`,
    `gemini`, `o3`…), tier names followed by a version (`Opus 4`), makers and products."""
    families: set[str] = set()
    tiers: set[str] = set()
    for name in models:
        for part in re.split(r"[/:]", name.lower().removeprefix("models/")):
            tokens = [token for token in re.split(r"[-_. ]+", part) if token]
            if not tokens:
                continue
            letters = re.match(r"[a-z]*", tokens[0])
            lead = letters.group(0) if letters else ""
            if len(lead) >= 3 and lead not in GENERIC:
                families.add(lead)
                tiers.update(t for t in tokens[1:2] if t.isalpha() and t not in GENERIC)
            elif re.fullmatch(r"[a-z]\d{1,2}", tokens[0]):
                families.add(tokens[0])  # OpenAI's o-series: only as written, `o3`
    makers = {word.lower() for provider in providers for word in MAKERS.get(provider, ())}
    makers.update(provider.lower() for provider in providers if len(provider) >= 4)
    words = [
        *(rf"{_spelled(f)}s?(?![^\W\d_])" if len(f) > 2 else _short(f) for f in families),
        *(rf"{_spelled(tier)}{_SEPARATOR}\d" for tier in tiers - families),
        *(rf"{_spelled(maker)}s?(?![^\W\d_])" for maker in makers - families),
    ]
    return sorted(words, key=len, reverse=True)


@dataclass(frozen=True, slots=True)
class Masked:
    """An answer as shown while blind, and which of its lines were hidden (0-based)."""

    text: str
    hidden: tuple[int, ...]


class NameMask:
    """Finds and hides the lines of a text that name a model family or a maker."""

    def __init__(self, models: Iterable[str], providers: Iterable[str] = MAKERS) -> None:
        terms = "|".join(name_terms(models, providers))
        self._names = re.compile(rf"(?<![^\W_])(?:{terms})")

    def names_one(self, line: str) -> bool:
        """The line names a model family or a maker."""
        return self._names.search(_normal(line)) is not None

    def mask(self, text: str, placeholder: str = HIDDEN) -> Masked:
        """`text` with each naming line replaced by `placeholder`, its Markdown frame kept
        (quote, list and heading marks, table cells, code fences), so the answer still renders."""
        lines = text.split("\n")
        hidden = tuple(index for index, line in enumerate(lines) if self.names_one(line))
        for index in hidden:
            lines[index] = hide_line(lines[index], placeholder)
        return Masked("\n".join(lines), hidden)


def hide_line(line: str, placeholder: str = HIDDEN) -> str:
    """One line replaced by `placeholder` in the same Markdown frame."""
    fence = _FENCE.match(line)
    if fence:
        return fence.group(1)
    stripped = line.strip()
    if stripped.startswith("|"):
        cells = stripped.strip("|").split("|")
        return "|" + "|".join(CELL for _ in cells) + "|"
    lead = _LEAD.match(line)
    return (lead.group(0) if lead else "") + placeholder


class BlindStream:
    """Masks an answer as it streams: only whole lines are let through (a name can arrive in
    pieces), the rest waits for its line's end or for `end`."""

    def __init__(self, mask: NameMask) -> None:
        self._mask = mask
        self._pending = ""
        self.hidden = 0
        """Lines hidden so far."""

    def feed(self, delta: str) -> str:
        """The masked whole lines that `delta` completes (with their newlines)."""
        self._pending += delta
        cut = self._pending.rfind("\n")
        if cut < 0:
            return ""
        ready, self._pending = self._pending[: cut + 1], self._pending[cut + 1 :]
        return self._masked(ready[:-1]) + "\n"

    def end(self) -> str:
        """The last, unfinished line, masked."""
        rest, self._pending = self._pending, ""
        return self._masked(rest) if rest else ""

    def _masked(self, text: str) -> str:
        masked = self._mask.mask(text)
        self.hidden += len(masked.hidden)
        return masked.text


@dataclass(frozen=True, slots=True)
class Seating:
    """Where a blind race's panes sit: `order[k]` is the pane shown k-th, under LABELS[k]."""

    order: tuple[int, ...]

    @classmethod
    def shuffled(cls, panes: int, rng: random.Random | None = None) -> Seating:
        """A random seating of `panes` panes (2 to 6): the order the models were picked in
        says nothing about which label each one gets."""
        if not 1 <= panes <= len(LABELS):
            raise ValueError(f"a blind race has 1 to {len(LABELS)} panes, not {panes}")
        order = list(range(panes))
        (rng or random.SystemRandom()).shuffle(order)
        return cls(tuple(order))

    def label(self, pane: int) -> str:
        """The label of a pane (by its place in the race)."""
        return LABELS[self.order.index(pane)]

    def pane(self, label: str) -> int | None:
        """The pane under a label (`a` or `A`), or None."""
        seat = LABELS.find(label.upper()) if len(label) == 1 else -1
        return self.order[seat] if 0 <= seat < len(self.order) else None

    def encode(self) -> str:
        return ",".join(map(str, self.order))

    @classmethod
    def decode(cls, text: object) -> Seating | None:
        """The seating `encode` wrote, or None for anything else."""
        if not isinstance(text, str) or not re.fullmatch(r"[0-5](?:,[0-5]){0,5}", text):
            return None
        order = tuple(int(part) for part in text.split(","))
        return cls(order) if sorted(order) == list(range(len(order))) else None
