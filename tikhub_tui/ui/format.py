"""Words for the screen: the metrics line under an answer and the advice for an error."""

from __future__ import annotations

from collections.abc import Mapping

from tikhub_tui.core.errors import ApiError
from tikhub_tui.core.model import Usage
from tikhub_tui.core.tokens import ContextUse
from tikhub_tui.core.usage import cost_words, cut_words, tokens_words
from tikhub_tui.ui.streaming import LiveStream

ADVICE = {
    "auth": "open Settings (F2) to set the API key, or set TIKHUB_API_KEY",
    "rate_limit": "wait a minute, then regenerate (Ctrl+R)",
    "network": "check the base URL in Settings (F2) and your connection",
    "upstream": "regenerate (Ctrl+R) or try another model (Ctrl+L)",
    "ended_early": "what arrived is kept; regenerate (Ctrl+R) for a whole answer",
    "config": "fix it in Settings (F2)",
}

FINISH_WORDS = {
    "stop": "finished",
    "max_tokens": "cut at the token limit",  # said with whose limit it was: see cut_words
    "content_filter": "stopped by the provider's content filter",
    "other": "stopped by the provider",
}


def error_hint(error: ApiError) -> str:
    return ADVICE.get(error.kind, error.hint)


def meta_line(live: LiveStream, *, timings: bool = True) -> str:
    """The metrics line of an answer that just streamed."""
    return meta_text(
        live.model,
        live.provider,
        live.usage,
        ending(live),
        ttft=live.ttft,
        rate=live.tokens_per_second(),
        duration=live.duration,
        timings=timings,
        cost=cost_words(live.usage, live.info),
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
    if timings and rate is not None:
        parts.append(f"{rate:,.0f} tok/s")
    if tokens := tokens_words(usage):
        parts.append(tokens)
    if cost:
        parts.append(cost)
    if timings and duration is not None:
        parts.append(f"{duration:.1f} s")
    parts.append(outcome)
    return " · ".join(parts)


def ending(live: LiveStream) -> str:
    if live.error is not None:
        return "incomplete: stream ended early" if live.error.kind == "ended_early" else "failed"
    if live.cancelled:
        return "stopped by you (Esc)"
    if live.finish is None:
        return "incomplete"
    if live.finish.reason == "max_tokens":
        options = live.options
        return cut_words(options.limit, options.limit_source, live.finish.raw)
    words = FINISH_WORDS[live.finish.reason]
    return f"{words} ({live.finish.raw})" if live.finish.reason != "stop" else words


def context_words(use: ContextUse) -> str:
    """How full the conversation is, for the prompt's status line: `context 12% (~15,204 of
    128,000 tokens)`; `~` while it is an estimate (before sending), the provider's count after."""
    mark = "~" if use.estimated else ""
    if use.share is None or use.window is None:
        return f"context {mark}{use.tokens:,} tokens (window unknown)"
    over = "; too long for this model" if not use.fits else ""
    return f"context {use.share:.0%} ({mark}{use.tokens:,} of {use.window:,} tokens){over}"


def too_long_words(
    use: ContextUse, model: str, others: list[str], keys: Mapping[str, str] | None = None
) -> str:
    """Why a prompt was not sent, and the fixes with the keys that do them (`keys` by binding
    id: new-session, select-messages, focus-models)."""
    keys = keys or {}
    window = f"{use.window:,}" if use.window is not None else "?"
    larger = f": {', '.join(others)}" if others else ""
    fixes = [
        f"start a new session ({keys.get('new-session', 'Ctrl+N')})",
        f"branch from an earlier message ({keys.get('select-messages', 'Ctrl+Up')}, then b)",
        f"pick a model with a larger window ({keys.get('focus-models', 'Ctrl+L')}{larger})",
    ]
    fix = "; or ".join(fixes)
    return (
        f"Not sent: the conversation is about {use.tokens:,} tokens, more than {model}'s "
        f"context window ({window}). {fix[0].upper()}{fix[1:]}."
    )
