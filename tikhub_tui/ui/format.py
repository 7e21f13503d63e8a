"""Words for the screen: the metrics line under an answer and the advice for an error."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from tikhub_tui.core.catalogue import ModelInfo
from tikhub_tui.core.errors import ApiError, wait_advice
from tikhub_tui.core.exchange import Exchange
from tikhub_tui.core.model import Usage
from tikhub_tui.core.tally import Ending, Tally
from tikhub_tui.core.tokens import ContextUse
from tikhub_tui.core.untrusted import for_terminal
from tikhub_tui.core.usage import cost_words, cut_words, tokens_words

if TYPE_CHECKING:  # httpx loads with the first prompt, not before the first frame
    from tikhub_tui.core.client import RetryNotice

ADVICE = {
    "auth": "open Settings (F2) to set the API key, or set TIKHUB_API_KEY",
    "rate_limit": "{wait}, then regenerate (Ctrl+R)",
    "network": "check the base URL in Settings (F2) and your connection",
    "upstream": "regenerate (Ctrl+R) or try another model (Ctrl+L)",
    "ended_early": "what arrived is kept; regenerate (Ctrl+R) for a whole answer",
    "config": "fix it in Settings (F2)",
}

ENDING_WORDS: dict[Ending, str] = {
    "done": "finished",
    "token_limit": "cut at the token limit",  # said with whose limit it was: see cut_words
    "filtered": "stopped by the provider's content filter",
    "refused": "refused by the provider",
    "cut_off": "incomplete",
    "stopped": "stopped by you (Esc)",
    "error": "failed",
}


def error_hint(error: ApiError) -> str:
    """The app's advice: its keys instead of `ask`'s options; the wait after a 429 is the
    same words `ask` uses (the server's Retry-After when it gave one)."""
    return ADVICE.get(error.kind, error.hint).format(wait=wait_advice(error.retry_after))


def retry_words(notice: RetryNotice, left: float | None = None) -> str:
    """A retry the server asked for: why, when and which attempt comes next, in the words of
    the chat and the race alike; `left`: the seconds still to wait (a countdown), else the
    whole wait."""
    why = f"HTTP {notice.status}: {notice.message}" if notice.message else f"HTTP {notice.status}"
    if left is None:
        when = f"in {notice.wait:g} s"
    else:
        seconds = math.ceil(max(0.0, left))
        when = f"in {seconds} s" if seconds else "now"
    return f"{why} — retrying {when} (attempt {notice.attempt + 1})"


def meta_line(exchange: Exchange, now: float, *, timings: bool = True) -> str:
    """The metrics line of an answer that just streamed (`now` ends one still streaming)."""
    options = exchange.options
    return tally_meta(
        exchange.model,
        exchange.provider,
        exchange.tally,
        now=now,
        limit=options.limit,
        limit_source=options.limit_source,
        info=exchange.info,
        timings=timings,
    )


def tally_meta(
    model: str,
    provider: str,
    tally: Tally,
    *,
    now: float,
    limit: int | None = None,
    limit_source: str = "",
    info: ModelInfo | None = None,
    timings: bool = True,
) -> str:
    """The metrics line of an answer from its tally, live or rebuilt from the store (one
    formatter, so a reopened answer reads as it did while it streamed)."""
    duration = tally.duration(now)
    return meta_text(
        model,
        provider,
        tally.usage,
        ending_words(tally, limit, limit_source),
        ttft=tally.ttft,
        rate=tally.tokens_per_second(now),
        duration=duration if duration > 0 else None,
        timings=timings,
        cost=cost_words(tally.usage, info),
    )


def meta_text(
    model: str,
    provider: str,
    usage: Usage,
    outcome: str,
    *,
    ttft: float | None = None,
    rate: float | None = None,
    duration: float | None = None,
    timings: bool = True,
    cost: str = "",
) -> str:
    """model · provider · first token · tokens/s · tokens in/out · cost · duration · how it
    ended; `timings=False` leaves the clock readings out (for snapshots and screenshots)."""
    parts = [model or "?", provider or "?"]
    if timings and ttft is not None:
        parts.append(f"first token {ttft:.2f} s")
    if timings and rate is not None:  # `~`: over an estimate of the tokens, as their count
        estimated = usage.estimated or usage.output_tokens is None
        parts.append(f"{'~' if estimated else ''}{rate:,.0f} tok/s")
    if tokens := tokens_words(usage):
        parts.append(tokens)
    if cost:
        parts.append(cost)
    if timings and duration is not None:
        parts.append(f"{duration:.1f} s")
    parts.append(outcome)
    return " · ".join(parts)


def ending_words(tally: Tally, limit: int | None = None, limit_source: str = "") -> str:
    """How the answer ended, in words, with the provider's own reason where it says more
    (and, for a cut at the token limit, whose limit it was)."""
    ending = tally.ending
    raw = tally.finish.raw if tally.finish is not None else ""
    if ending is None:
        return "streaming…"
    if ending == "cut_off":
        if tally.error is not None:
            return "incomplete: stream ended early"
        return f"stopped by the provider ({raw})" if raw else ENDING_WORDS[ending]
    if ending == "token_limit":
        return cut_words(limit, limit_source, raw)
    words = ENDING_WORDS[ending]
    return f"{words} ({raw})" if raw and ending in ("token_limit", "filtered", "refused") else words


def context_words(use: ContextUse) -> str:
    """How full the conversation is, for the prompt's status line: `context 12% (~15,204 of
    128,000 tokens)`; `~` while it is an estimate (before sending), the provider's count after."""
    mark = "~" if use.estimated else ""
    if use.share is None or use.window is None:
        return f"context {mark}{use.tokens:,} tokens (window unknown)"
    over = "; too long for this model" if not use.fits else ""
    return f"context {use.share:.0%} ({mark}{use.tokens:,} of {use.window:,} tokens){over}"


def too_long_words(
    use: ContextUse,
    model: str,
    others: list[str],
    keys: Mapping[str, str] | None = None,
    files: Sequence[tuple[str, int]] = (),
) -> str:
    """Why a prompt was not sent, and the fixes with the keys that do them (`keys` by binding
    id: new-session, select-messages, focus-models). `files`: the prompt's attachments (name,
    estimated tokens); the biggest is named first when leaving it out is a fix."""
    keys = keys or {}
    window = f"{use.window:,}" if use.window is not None else "?"
    larger = f": {', '.join(others)}" if others else ""
    fixes = []
    if files:
        name, tokens = max(files, key=lambda file: file[1])
        fixes.append(
            f"leave out {for_terminal(name)} (~{tokens:,} tokens: Shift+Tab to the files, "
            "Delete removes it)"
        )
    fixes += [
        f"start a new session ({keys.get('new-session', 'Ctrl+N')})",
        f"branch from an earlier message ({keys.get('select-messages', 'Ctrl+Up')}, then b)",
        f"pick a model with a larger window ({keys.get('focus-models', 'Ctrl+L')}{larger})",
    ]
    fix = "; or ".join(fixes)
    return (
        f"Not sent: the conversation is about {use.tokens:,} tokens, more than {model}'s "
        f"context window ({window}). {fix[0].upper()}{fix[1:]}."
    )


HEADER_ROOM = 18
"""Columns of Textual's header that its title cannot use (the icon and the clock's space)."""


def fit_title(title: str, sub_title: str, width: int) -> str:
    """The title cut (with …) so that the header still shows the whole sub-title (DEMO, the
    gateway) at this terminal width; Textual would cut the sub-title first."""
    room = width - HEADER_ROOM - len(sub_title) - len(" — ") if sub_title else width - HEADER_ROOM
    room = max(room, 8)
    return title if len(title) <= room else f"{title[: room - 1].rstrip()}…"
