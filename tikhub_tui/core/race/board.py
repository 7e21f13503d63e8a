"""The numbers of a race: each pane's status and metrics, the badges, and the tables.

Everything comes from the pane's exchange (its `Tally`, the one fold of a stream's events), so
the race screen, `tikhub-tui race` and the Markdown export show the same figures in the same
words: one status vocabulary (queued, waiting, thinking, streaming, done, stopped, cut, error)
and one for how an answer ended, whatever the protocol.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from tikhub_tui.core.cost import cost, money
from tikhub_tui.core.model import Usage
from tikhub_tui.core.tally import Count, Ending, Phase

if TYPE_CHECKING:
    from tikhub_tui.core.exchange import Exchange

Status = Literal["queued", "waiting", "thinking", "streaming", "done", "stopped", "cut", "error"]
Badge = Literal["first token", "fastest", "first done", "cheapest"]
BADGES: tuple[Badge, ...] = ("first token", "fastest", "first done", "cheapest")

_LIVE: dict[Phase, Status] = {
    "waiting": "waiting",
    "responded": "waiting",
    "thinking": "thinking",
    "answering": "streaming",
    "ended": "done",
}
STATUS_OF_ENDING: dict[Ending, Status] = {
    "done": "done",
    "stopped": "stopped",
    "token_limit": "cut",
    "cut_off": "cut",
    "filtered": "cut",
    "refused": "error",
    "error": "error",
}
ENDING_WORDS: dict[Ending, str] = {
    "done": "done",
    "token_limit": "token limit",
    "filtered": "filtered",
    "refused": "refused",
    "cut_off": "cut off",
    "stopped": "stopped",
    "error": "error",
}
"""How an answer ended, the race's words for the `Ending`s: done, token limit, filtered,
refused, cut off (without its end event), stopped, error."""


@dataclass(frozen=True, slots=True)
class PaneNumbers:
    """A pane's figures at one moment (final once its answer ended)."""

    label: str
    model: str
    provider: str
    status: Status
    ending: Ending | None
    first_byte: float | None
    """Seconds from sending to the first byte of the response."""
    to_reasoning: float | None
    to_answer: float | None
    answer_rate: float | None
    """Answer tokens per second, from its first token."""
    reasoning_rate: float | None
    elapsed: float
    input_tokens: Count | None
    output: Count
    """Every generated token, reasoning included: the provider's count, or an estimate (~)."""
    reasoning: Count
    cost: float | None
    cost_estimated: bool
    finish_reason: str
    error: str
    retried: bool = False
    """The answer is a retry of its pane: its times run from the retry (a warm connection)."""
    answer_rate_estimated: bool = False
    """The answer's tokens behind its rate are an estimate (no count from the provider yet, or
    ever: a stopped or dropped answer): shown with `~`."""
    reasoning_rate_estimated: bool = False

    @property
    def first_token(self) -> float | None:
        """Seconds to the first token of either kind."""
        firsts = [t for t in (self.to_reasoning, self.to_answer) if t is not None]
        return min(firsts) if firsts else None

    @property
    def ending_words(self) -> str:
        return ENDING_WORDS[self.ending] if self.ending else ""

    @property
    def live(self) -> bool:
        return self.ending is None and self.status != "error"


def status_of(exchange: Exchange, *, queued: bool = False) -> Status:
    """Where a pane is, in the race's words."""
    tally = exchange.tally
    ending = tally.ending
    if ending is not None:
        return STATUS_OF_ENDING[ending]
    return "queued" if queued else _LIVE[tally.phase]


def numbers(
    label: str, exchange: Exchange, now: float, *, queued: bool = False, retried: bool = False
) -> PaneNumbers:
    """The figures of a pane's exchange at `now` (the exchange's clock); `retried`: the answer
    is a retry of the pane."""
    tally = exchange.tally
    usage = tally.usage
    output = tally.output_tokens
    inputs = (
        Count(usage.input_tokens, usage.estimated)
        if usage.input_tokens is not None
        else Count(exchange.prompt_tokens, True)
    )
    spent = Usage(
        input_tokens=inputs.value,
        output_tokens=output.value,
        cache_read_tokens=usage.cache_read_tokens,
        cache_write_tokens=usage.cache_write_tokens,
    )
    dollars = cost(spent, exchange.info) if output.value else None
    return PaneNumbers(
        label=label,
        model=exchange.model,
        provider=exchange.provider,
        status=status_of(exchange, queued=queued),
        ending=tally.ending,
        first_byte=tally.ttfb,
        to_reasoning=tally.to_reasoning,
        to_answer=tally.to_answer,
        answer_rate=tally.answer_rate(now),
        reasoning_rate=tally.reasoning_rate(now),
        elapsed=0.0 if queued else tally.duration(now),
        input_tokens=inputs,
        output=output,
        reasoning=tally.reasoning_tokens,
        cost=dollars,
        cost_estimated=inputs.estimated or output.estimated,
        finish_reason=tally.finish_reason,
        error=tally.error_message,
        retried=retried,
        answer_rate_estimated=tally.answer_tokens.estimated,
        reasoning_rate_estimated=tally.reasoning_tokens.estimated,
    )


def badges(panes: Sequence[PaneNumbers]) -> list[list[Badge]]:
    """The badges of each pane once all have ended: first token, fastest answer (tokens per
    second of a whole answer), first done, cheapest whole answer. None for a race of one.

    Speed compares like with like: a retried pane's times run from its retry, on a connection
    already warm, so the speed badges (first token, fastest, first done) go to the panes that
    raced from the start; the retried ones compete for them only among themselves, when every
    pane was retried. Cheapest does not depend on when an answer started: all compete.
    """
    won: list[list[Badge]] = [[] for _ in panes]
    if len(panes) < 2:
        return won
    fresh = [i for i, p in enumerate(panes) if not p.retried]
    racing = set(fresh) if fresh else set(range(len(panes)))
    whole = {i for i, p in enumerate(panes) if p.ending in ("done", "token_limit")}
    done = {i for i, p in enumerate(panes) if p.ending == "done"}

    def best(badge: Badge, values: dict[int, float], *, high: bool = False) -> None:
        if values:  # ties go to the first pane
            sign = -1 if high else 1
            won[min(values, key=lambda i: (sign * values[i], i))].append(badge)

    firsts = {i: t for i in racing if (t := panes[i].first_token) is not None}
    best("first token", firsts)
    rates = {i: r for i in whole & racing if (r := panes[i].answer_rate) is not None}
    best("fastest", rates, high=True)
    best("first done", {i: panes[i].elapsed for i in done & racing})
    best("cheapest", {i: c for i in done if (c := panes[i].cost) is not None})
    return won


def seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f} s"


def rate(value: float | None, estimated: bool = False) -> str:
    """Tokens per second in words (`~` when its token count is an estimate)."""
    return "—" if value is None else f"{'~' if estimated else ''}{value:,.0f}"


def cost_text(pane: PaneNumbers) -> str:
    return money(pane.cost, estimated=pane.cost_estimated)


COLUMNS = (
    "pane",
    "model",
    "provider",
    "ended",
    "first byte",
    "first thinking",
    "first answer",
    "answer tok/s",
    "thinking tok/s",
    "elapsed",
    "in",
    "out",
    "reasoning",
    "cost",
    "badges",
)


def table_rows(panes: Sequence[PaneNumbers], won: Sequence[Sequence[str]]) -> list[list[str]]:
    """One row per pane under COLUMNS (estimated counts marked `~`, costs `≈`)."""
    return [
        [
            p.label,
            p.model,
            p.provider,
            p.ending_words or p.status,
            seconds(p.first_byte),
            seconds(p.to_reasoning),
            seconds(p.to_answer),
            rate(p.answer_rate, p.answer_rate_estimated),
            rate(p.reasoning_rate, p.reasoning_rate_estimated),
            f"{p.elapsed:.1f} s",
            str(p.input_tokens) if p.input_tokens is not None else "—",
            str(p.output),
            str(p.reasoning) if p.reasoning.value else "—",
            cost_text(p),
            ", ".join(badges_) or "—",
        ]
        for p, badges_ in zip(panes, won, strict=True)
    ]


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table (pipes in cells escaped)."""

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"

    aligned = ["---" if i < 4 else "---:" for i in range(len(header))]
    aligned[-1] = "---"
    return "\n".join([line(header), line(aligned), *(line(r) for r in rows)])


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to line up in a terminal (numbers right-aligned)."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str], first: bool = False) -> str:
        out = []
        for i, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            right = not first and 3 < i < len(cells) - 1
            out.append(cell.rjust(width) if right else cell.ljust(width))
        return "  ".join(out).rstrip()

    return "\n".join([line(header, first=True), *(line(r) for r in rows)])
