"""Usage in words and in totals: what the metrics line, `ask --usage`, the session's running
total and `tikhub-tui usage` say about tokens, cost and output limits.

One wording for every place that shows usage, so a saved answer reads as it did live.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from tikhub_tui.core.catalogue import Catalogue, ModelInfo
from tikhub_tui.core.cost import cost, money
from tikhub_tui.core.model import Usage

if TYPE_CHECKING:  # the store loads only where it is used, not with `ask`'s words
    from tikhub_tui.core.store.records import UsageRecord


def _n(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"


def tokens_words(usage: Usage) -> str:
    """`2,106 in (1,920 cached, 128 to cache) / 412 out (384 reasoning)`; estimated counts
    carry `~`. Empty when nothing was counted."""
    if not usage.reported:
        return ""
    mark = "~" if usage.estimated else ""
    inner = [
        f"{usage.cache_read_tokens:,} cached" if usage.cache_read_tokens else "",
        f"{usage.cache_write_tokens:,} to cache" if usage.cache_write_tokens else "",
    ]
    details = ", ".join(part for part in inner if part)
    text = f"{mark}{_n(usage.input_tokens)} in" + (f" ({details})" if details else "")
    text += f" / {mark}{_n(usage.output_tokens)} out"
    if usage.reasoning_tokens:
        text += f" ({usage.reasoning_tokens:,} reasoning)"
    return text + (" (estimated)" if usage.estimated else "")


def cost_words(usage: Usage, info: ModelInfo | None) -> str:
    """`$0.0046`, `≈$0.0046` for estimated counts, `—` when the price is unknown; empty when
    nothing was counted."""
    if not usage.reported:
        return ""
    return money(cost(usage, info), estimated=usage.estimated)


def cut_words(limit: int | None, source: str, raw: str = "") -> str:
    """Why an answer stopped at an output limit, and whose limit it was: the user's own
    max_tokens, or the default (the model's maximum, as no max_tokens was set)."""
    if raw == "model_context_window_exceeded":
        return "cut: the context window is full"
    shown = f" ({limit:,} tokens)" if limit else ""
    if source == "setting":
        return f"cut at your max_tokens{shown}"
    if source == "default":
        shown = f" ({limit:,} tokens, the model's maximum)" if limit else " (the model's maximum)"
        return f"cut at the default limit{shown}"
    return "cut at the token limit"


@dataclass(slots=True)
class Totals:
    """Tokens and cost of some answers added up."""

    answers: int = 0
    input_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    output_tokens: int = 0
    reasoning_tokens: int = 0
    cost: float = 0.0
    """The priced answers' cost in US dollars."""
    unpriced_answers: int = 0
    """Answers whose model has no price: not in `cost`."""
    estimated_answers: int = 0
    """Answers whose counts are estimates (the provider never sent them)."""

    def add(self, usage: Usage, info: ModelInfo | None) -> None:
        self.answers += 1
        self.input_tokens += usage.input_tokens or 0
        self.cache_read_tokens += usage.cache_read_tokens or 0
        self.cache_write_tokens += usage.cache_write_tokens or 0
        self.output_tokens += usage.output_tokens or 0
        self.reasoning_tokens += usage.reasoning_tokens or 0
        self.estimated_answers += int(usage.estimated)
        dollars = cost(usage, info)
        if dollars is None:
            self.unpriced_answers += 1
        else:
            self.cost += dollars

    @property
    def priced(self) -> bool:
        """Some of the answers have a cost."""
        return self.unpriced_answers < self.answers

    def cost_text(self) -> str:
        """`$1.23`; `≥$1.23` when some answers have no price; `—` when none has one."""
        if not self.priced:
            return "—"
        text = money(self.cost, estimated=self.estimated_answers > 0)
        return ("≥" + text.lstrip("≈")) if self.unpriced_answers else text

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = asdict(self)
        data["cost"] = round(self.cost, 10) if self.priced else None
        return data


def totals(records: Iterable[UsageRecord], catalogue: Catalogue) -> Totals:
    """The records added up, each priced by its own model (a session may use several)."""
    result = Totals()
    for record in records:
        result.add(record.usage, catalogue.info(record.model))
    return result


def _short(count: int) -> str:
    if count < 10_000:
        return f"{count:,}"
    if count < 1_000_000:
        return f"{count / 1000:.1f}k" if count < 100_000 else f"{count // 1000}k"
    return f"{count / 1_000_000:.1f}M"


def total_words(total: Totals) -> str:
    """A session's running total for a header or sidebar: `3 answers · 12.4k tokens · $0.041`."""
    if not total.answers:
        return "no answers yet"
    answers = f"{total.answers:,} answer" + ("" if total.answers == 1 else "s")
    mark = "~" if total.estimated_answers else ""
    tokens = f"{mark}{_short(total.input_tokens + total.output_tokens)} tokens"
    return f"{answers} · {tokens} · {total.cost_text()}"
